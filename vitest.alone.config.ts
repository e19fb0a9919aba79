// Vitest for the tests that measure the app's own responsiveness (event-loop delay during a run) or
// its peak memory: one file at a time, after the others, so no neighbouring test competes for the 2 CPU cores.
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.alone.test.ts'],
    environment: 'node',
    testTimeout: 300_000,
    hookTimeout: 180_000,
    fileParallelism: false
  }
})
