/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // test/scale needs a real redis-server (`make test-scale`), test/package/frameworks installs frameworks
  // from the npm registry (`make test-frameworks`), test/e2e needs Chromium (`make e2e`): each has its own
  // jest.config.js.
  testPathIgnorePatterns: [
    '/node_modules/',
    '<rootDir>/test/scale/',
    '<rootDir>/test/package/frameworks/',
    '<rootDir>/test/e2e/',
  ],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', isolatedModules: false }] },
  moduleNameMapper: {
    '^passport-bitbucket-oauth$': '<rootDir>/lib/index.ts',
    '^passport-bitbucket-oauth/testing$': '<rootDir>/lib/testing/index.ts',
  },
  collectCoverageFrom: ['lib/**/*.ts'],
  coverageThreshold: { global: { statements: 95, branches: 95 } },
  coverageReporters: ['text-summary', 'text'],
  testTimeout: 20000,
  // A warning a test provokes must be captured by that test: make test prints nothing else.
  setupFilesAfterEnv: ['<rootDir>/test/support/no-stray-warnings.ts'],
};
