/** Helpers that run Glint's channel platform and its API in this process, against a real database. */
export { type ApiAnswer, type ApiCallOptions, callApi } from './api-client.ts';
export { openTestPlatform, type TestPlatform } from './open-test-platform.ts';
export { type StartedPlatformApi, startPlatformApi } from './start-platform-api.ts';
export {
  createTestDatabase,
  TEST_DIALECTS,
  TEST_POSTGRES_ADMIN_URL,
  type TestDatabase,
  type TestDialect,
} from './test-databases.ts';
