import { requires } from '../permissions';

/** Admin routes, mounted under `/personalization`; each needs an admin session and an RBAC action. */
export default {
  type: 'admin' as const,
  routes: [
    {
      method: 'GET' as const,
      path: '/content-types',
      handler: 'contentTypes.list',
      config: { policies: ['admin::isAuthenticatedAdmin'] },
    },
    {
      method: 'GET' as const,
      path: '/profiles',
      handler: 'adminProfiles.find',
      config: { policies: ['admin::isAuthenticatedAdmin', requires('profiles.read')] },
    },
    {
      method: 'DELETE' as const,
      path: '/profiles',
      handler: 'adminProfiles.erase',
      config: { policies: ['admin::isAuthenticatedAdmin', requires('profiles.erase')] },
    },
  ],
};
