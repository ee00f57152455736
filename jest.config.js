/** Unit, integration, engine-compatibility, contract and compiled-page tests. E2E runs separately (test/e2e). */
module.exports = {
  cacheDirectory: '<rootDir>/node_modules/.cache/jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts', '**/*.test.tsx'],
  testPathIgnorePatterns: ['/node_modules/', '/test/e2e/'],
  transform: {
    '^.+\\.tsx?$': ['ts-jest', { tsconfig: { jsx: 'react-jsx', module: 'commonjs', esModuleInterop: true, target: 'es2020', isolatedModules: true } }]
  },
  globalSetup: '<rootDir>/test/helpers/global-setup.ts',
  testTimeout: 30000
};
