// Jest settings of `make test-frameworks` (issue 18): the same TypeScript set-up as the main suite, but only
// test/package/frameworks, which the main config ignores: these tests install framework packages from the
// npm registry into a temporary directory and run each app as its own process.
const path = require('node:path');
const base = require('../../../jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  rootDir: path.resolve(__dirname, '..', '..', '..'),
  roots: ['<rootDir>/test/package/frameworks'],
  testPathIgnorePatterns: ['/node_modules/'],
  collectCoverageFrom: undefined,
  coverageThreshold: undefined,
  testTimeout: 60000,
};
