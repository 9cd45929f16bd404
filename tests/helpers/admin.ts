import request from 'supertest';
import type { TestApp } from './strapi-app';

/** Creates an admin user with the given role code and returns a JWT for the admin API. */
export const adminToken = async (
  app: TestApp,
  { email, roleCode = 'strapi-super-admin' }: { email: string; roleCode?: string }
): Promise<string> => {
  const password = 'Test-Admin-1234';
  const { strapi } = app;
  const role = await strapi.db.query('admin::role').findOne({ where: { code: roleCode } });
  if (!(await strapi.admin!.services.user.exists({ email }))) {
    await strapi.admin!.services.user.create({
      email,
      firstname: 'Test',
      lastname: 'Admin',
      password,
      isActive: true,
      registrationToken: null,
      roles: [role.id],
    });
  }
  const response = await request(app.server).post('/admin/login').send({ email, password }).expect(200);
  return response.body.data.token;
};

/** A content-API token, created through the admin API as an editor would (custom: with these actions). */
export const apiToken = async (
  app: TestApp,
  adminJwt: string,
  type: 'read-only' | 'full-access' | 'custom' = 'read-only',
  permissions: string[] = []
): Promise<string> => {
  const response = await request(app.server)
    .post('/admin/api-tokens')
    .set('Authorization', `Bearer ${adminJwt}`)
    .send({ name: `token-${type}-${Date.now()}-${Math.random()}`, description: 'tests', type, lifespan: null, ...(type === 'custom' ? { permissions } : {}) })
    .expect(201);
  return response.body.data.accessKey;
};

export const readOnlyApiToken = (app: TestApp, adminJwt: string) => apiToken(app, adminJwt, 'read-only');
