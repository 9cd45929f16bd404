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

/** A read-only content-API token, created through the admin API as an editor would. */
export const readOnlyApiToken = async (app: TestApp, adminJwt: string): Promise<string> => {
  const response = await request(app.server)
    .post('/admin/api-tokens')
    .set('Authorization', `Bearer ${adminJwt}`)
    .send({ name: `preview-${Date.now()}`, description: 'tests', type: 'read-only', lifespan: null })
    .expect(201);
  return response.body.data.accessKey;
};
