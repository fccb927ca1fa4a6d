// Jest settings of `make test-scale` (issue 13): the same TypeScript set-up as the main suite, but only
// test/scale, which the main config ignores: these tests need a real redis-server and take longer.
const path = require('node:path');
const base = require('../../jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  rootDir: path.resolve(__dirname, '..', '..'),
  roots: ['<rootDir>/test/scale'],
  testPathIgnorePatterns: ['/node_modules/'],
  collectCoverageFrom: undefined,
  coverageThreshold: undefined,
  // One Redis restart waits for both instances to reconnect; still far below this.
  testTimeout: 120000,
};
