import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';

/** The content-API action a token needs to preview segments (`GET /api/personalization/preview/segments`). */
export const PREVIEW_SCOPE = 'plugin::personalization.preview.segments';
/** The admin action an editor needs to preview segments (as for reading variants in the admin). */
export const PREVIEW_ADMIN_ACTION = 'plugin::personalization.variants.read';

interface AuthState {
  strategy?: { name?: string; verify?: (auth: unknown, config: { scope: string[] }) => unknown };
}

interface AdminSessions {
  validateAccessToken(token: string): { isValid: boolean; payload?: { userId?: string; sessionId?: string } };
  isSessionActive(sessionId: string): Promise<boolean>;
}

/**
 * May this request preview a segment (`?psn_segment=`)? Only
 * - a content-API token allowed the `preview.segments` action (full access, or a custom token
 *   given it; a read-only token is not, as such tokens often ship inside public front-ends), or
 * - an admin session (`X-Personalization-Preview: <admin access token>`) of an active user whose
 *   role may read variants.
 */
export const createPreviewPermission = (strapi: Core.Strapi) => async (ctx: Context): Promise<boolean> => {
  const auth = ctx.state.auth as AuthState | undefined;
  const strategy = auth?.strategy?.name;
  // Strapi 5.54 names it `content-api-token`; earlier 5.x `api-token`.
  if ((strategy === 'content-api-token' || strategy === 'api-token') && auth?.strategy?.verify) {
    try {
      await auth.strategy.verify(auth, { scope: [PREVIEW_SCOPE] });
      return true;
    } catch {
      return false;
    }
  }
  const token = ctx.get('x-personalization-preview');
  const sessions = (strapi as unknown as { sessionManager?: (origin: string) => AdminSessions }).sessionManager?.('admin');
  if (!token || !sessions) return false;
  const session = sessions.validateAccessToken(token);
  if (!session.isValid || !session.payload?.userId || !session.payload.sessionId) return false;
  if (!(await sessions.isSessionActive(session.payload.sessionId))) return false;
  const rawId = session.payload.userId;
  const user = await strapi.db.query('admin::user').findOne({ where: { id: Number(rawId) || rawId }, populate: ['roles'] });
  if (!user || user.isActive !== true) return false;
  const ability = await strapi.admin!.services.permission.engine.generateUserAbility(user);
  return ability.can(PREVIEW_ADMIN_ACTION);
};
