// Vitest for unit and integration tests (real SQLite files, real engine processes, tiny models).
// Tests named *.alone.test.ts measure wall-clock behaviour and run afterwards on their own
// (vitest.alone.config.ts), so neighbouring test files cannot steal their CPU.
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/*.alone.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2
  }
})
