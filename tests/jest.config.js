/**
 * One jest run for unit tests (pure modules, from source) and integration tests (the test app
 * booted in-process against a private redis-server). `npm test` builds the plugin and compiles the
 * test app first, then runs this in band: each integration suite owns a Strapi instance.
 */
module.exports = {
  rootDir: '..',
  testMatch: ['<rootDir>/tests/{unit,integration,e2e}/**/*.test.{ts,tsx}'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/dist/', '<rootDir>/tests/app/'],
  transform: {
    '^.+\\.tsx?$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript', tsx: true }, transform: { react: { runtime: 'automatic' } } } }],
  },
  testEnvironment: 'node',
  testTimeout: 60_000,
  slowTestThreshold: 30,
};
