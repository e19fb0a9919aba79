// Entry of the bench pack's bundle (`npm run bench:pack`): one file that is the bench CLI and, started with
// --case-process, the child process that runs one case, so the pack needs neither tsx nor the sources.
import { fileURLToPath } from 'node:url'
import { CASE_PROCESS_FLAG, packLayout, useBenchLayout } from './bench-layout'

if (process.argv[2] === CASE_PROCESS_FLAG) {
  process.argv.splice(2, 1)
  await import('./case-process')
} else {
  useBenchLayout(packLayout(fileURLToPath(import.meta.url)))
  await import('./index')
}
