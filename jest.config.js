/** Jest runs TypeScript through ts-jest; `npm test` (scripts/test.ts) prepares Temporal and PostgreSQL first. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  setupFiles: ['<rootDir>/test/setup.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
  },
  // Time-skipping environments and worker bundles are heavy on 2 cores; no timing is asserted.
  testTimeout: 120_000,
  maxWorkers: 1,
};
