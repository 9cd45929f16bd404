import type { Core } from '@strapi/strapi';

// Test and demo app only: the fallback secrets below are public and must never guard real data.
const config = ({ env }: Core.Config.Shared.ConfigParams): Core.Config.Admin => ({
  auth: { secret: env('ADMIN_JWT_SECRET', 'test-admin-jwt-secret') },
  apiToken: { salt: env('API_TOKEN_SALT', 'test-api-token-salt') },
  transfer: { token: { salt: env('TRANSFER_TOKEN_SALT', 'test-transfer-token-salt') } },
  secrets: { encryptionKey: env('ENCRYPTION_KEY', 'test-encryption-key-32-characters') },
  flags: { nps: false, promoteEE: false, docLinks: false },
  watchIgnoreFiles: ['**/.tmp/**'],
});

export default config;
