// Jest in ESM mode: @actions/core 3 and @actions/http-client 4 are ESM-only,
// so tests run as ES modules (scripts/test.mjs sets
// NODE_OPTIONS=--experimental-vm-modules) and ts-jest compiles with useESM.
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
  moduleNameMapper: {
    // Sources import './x.js' (NodeNext); jest resolves the .ts file.
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testMatch: ['**/__tests__/**/*.test.ts'],
  // Fails a test that prints a workflow command (::add-mask:: etc.) to the real stdout.
  // Removes nock's patch of node:http after each suite (see nock-restore.mjs).
  setupFilesAfterEnv: ['<rootDir>/__tests__/support/quiet-output.cjs', '<rootDir>/__tests__/support/nock-restore.mjs'],
  testTimeout: 30_000,
  // Not in os.tmpdir(): scripts/test.mjs gives each run a temporary directory of its own and fails when anything
  // is left in it, and the cache should outlive a run.
  cacheDirectory: '<rootDir>/node_modules/.cache/jest',
};
