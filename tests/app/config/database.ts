import path from 'path';
import type { Core } from '@strapi/strapi';

/**
 * SQLite by default (tests give each suite its own file through DATABASE_FILENAME); PostgreSQL
 * where several Strapi instances must share one database (DATABASE_CLIENT=postgres).
 */
const config = ({ env }: Core.Config.Shared.ConfigParams): Core.Config.Database => {
  if (env('DATABASE_CLIENT', 'sqlite') === 'postgres') {
    return {
      connection: {
        client: 'postgres',
        connection: {
          host: env('DATABASE_HOST', '127.0.0.1'),
          port: env.int('DATABASE_PORT', 5432),
          database: env('DATABASE_NAME', 'personalization'),
          user: env('DATABASE_USERNAME', 'postgres'),
          password: env('DATABASE_PASSWORD', ''),
        },
        pool: { min: 0, max: env.int('DATABASE_POOL_MAX', 10) },
      },
    };
  }
  const appRoot = path.join(__dirname, '..', '..');
  const filename = env('DATABASE_FILENAME', '.tmp/data.db');
  return {
    connection: {
      client: 'sqlite',
      connection: { filename: path.isAbsolute(filename) ? filename : path.join(appRoot, filename) },
      useNullAsDefault: true,
    },
  };
};

export default config;
