/** Jest runs TypeScript through ts-jest; `npm test` (scripts/test.ts) prepares Temporal and PostgreSQL first. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', isolatedModules: true }],
  },
  // Time-skipping environments and Temporal workers are heavy: leave room for bundling on 2 cores.
  testTimeout: 120_000,
  maxWorkers: 1,
};
