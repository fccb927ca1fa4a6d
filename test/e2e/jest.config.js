// Jest settings of the README's Playwright set-up in `make e2e`: the same TypeScript set-up as the main suite, but
// only test/e2e, which the main config ignores: it needs Chromium and installs an app from the npm registry.
const path = require('node:path');
const base = require('../../jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  rootDir: path.resolve(__dirname, '..', '..'),
  roots: ['<rootDir>/test/e2e'],
  testPathIgnorePatterns: ['/node_modules/'],
  collectCoverageFrom: undefined,
  coverageThreshold: undefined,
  testTimeout: 300000,
};
