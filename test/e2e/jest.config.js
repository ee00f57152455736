/** End-to-end suites: headless Chromium against the server `npm start` runs (see server.ts). */
const base = require('../../jest.config.js');
module.exports = {
  ...base,
  rootDir: '../..',
  roots: ['<rootDir>/test/e2e'],
  testMatch: ['**/*.e2e.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  globalSetup: undefined,
  maxWorkers: 1,
  testTimeout: 120000,
};
