// The bench's dataset-import case, run as its own child process so the peak RSS is the import's: writes an
// alpaca JSONL of the asked size, imports it through the real dataset service and reports speed and memory.
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { once } from 'node:events'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createDatasetService } from '../src/main/datasets/dataset-service'
import { defaultTokenizer } from '../src/main/datasets/default-tokenizer'
import { openStore } from '../src/main/store/store'
import { ImportInput } from '../src/shared/datasets'
import { DEFAULT_IMPORT_MB, IMPORT_CASE } from './cases'
import { reportOutcome, type ChildMessage } from './child-outcome'

export interface ImportCaseResult {
  case: string
  fileBytes: number
  records: number
  /** Tokens the import counted (prompt + completion, as stored). */
  tokens: number
  seconds: number
  mbPerS: number
  recordsPerS: number
  /** RSS after the store and tokenizer are open, just before the import. */
  baselineRssBytes: number
  /** The kernel's VmHWM during the import (reset to the baseline just before it). */
  peakRssBytes: number
  peakGrowthBytes: number
}

export type ImportCaseMessage = ChildMessage<ImportCaseResult>

const MB = 1024 * 1024

function procStatusBytes(field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'))
  if (!match) throw new Error(`/proc/self/status has no ${field}: the import case needs Linux`)
  return Number(match[1]) * 1024
}

const TOPICS = [
  'buffer overflow',
  'SQL injection',
  'path traversal',
  'race condition',
  'integer overflow',
  'use after free',
  'cross-site scripting',
  'null dereference',
  'format string',
  'weak hashing'
]
const VERBS = ['Review', 'Explain', 'Fix', 'Summarize', 'Audit', 'Rewrite']
const ADVICE = [
  'Check the length before copying into the buffer and prefer bounded functions.',
  'Use parameterized queries and never build SQL from user input.',
  'Resolve the path and verify it stays under the allowed root directory.',
  'Hold the lock for the whole check-then-act sequence.',
  'Validate arithmetic against the type range before allocating.',
  'Clear the pointer after freeing it and keep ownership in one place.',
  'Escape output for its context and set a content security policy.'
]

/** Record i: different text for every index, so the import's dedupe keeps them all. */
function record(i: number): string {
  const topic = TOPICS[i % TOPICS.length]
  const advice = Array.from({ length: 3 + (i % 5) }, (_, k) => ADVICE[(i + k * 3) % ADVICE.length]).join(' ')
  return JSON.stringify({
    instruction: `${VERBS[i % VERBS.length]} the ${topic} in function handler_${i}.`,
    input:
      i % 3 === 0 ? '' : `int handler_${i}(char *src, size_t n) { char dst[${16 + (i % 240)}]; /* ... */ }`,
    output: `${advice} (case ${i}, ${topic})`
  })
}

/** Streams records to `path` until it holds at least `targetBytes`. */
async function writeJsonl(path: string, targetBytes: number): Promise<number> {
  const out = createWriteStream(path)
  let bytes = 0
  for (let i = 0; bytes < targetBytes; i++) {
    const line = `${record(i)}\n`
    bytes += Buffer.byteLength(line)
    if (!out.write(line)) await once(out, 'drain')
  }
  out.end()
  await once(out, 'close')
  return bytes
}

async function runImportCase(megabytes: number): Promise<ImportCaseResult> {
  const dir = mkdtempSync(join(tmpdir(), 'lora-bench-import-'))
  try {
    const path = join(dir, 'alpaca.jsonl')
    process.stderr.write(`bench: writing ${megabytes} MB of alpaca JSONL to ${path}\n`)
    const fileBytes = await writeJsonl(path, megabytes * MB)
    const store = openStore(join(dir, 'data', 'studio.db'))
    try {
      const service = createDatasetService({
        db: store.db,
        dataDir: join(dir, 'data'),
        tokenizerFor: () => defaultTokenizer(),
        emit: () => undefined
      })
      await defaultTokenizer()
      global.gc?.()
      const baselineRssBytes = procStatusBytes('VmRSS')
      // Writing 5 resets the kernel's peak (VmHWM) to the current RSS.
      writeFileSync('/proc/self/clear_refs', '5')
      process.stderr.write(`bench: importing ${(fileBytes / MB).toFixed(0)} MB\n`)
      const started = performance.now()
      const d = await service.import(ImportInput.parse({ name: 'bench', paths: [path] }))
      const seconds = (performance.now() - started) / 1000
      const peakRssBytes = procStatusBytes('VmHWM')
      return {
        case: IMPORT_CASE,
        fileBytes,
        records: d.recordCount,
        tokens: d.totalTokens,
        seconds,
        mbPerS: fileBytes / MB / seconds,
        recordsPerS: d.recordCount / seconds,
        baselineRssBytes,
        peakRssBytes,
        peakGrowthBytes: peakRssBytes - baselineRssBytes
      }
    } finally {
      store.close()
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

// Only as a process's entry (the CLI forks this file); the CLI itself imports just the types and names.
if (process.argv[1] !== undefined && import.meta.filename === process.argv[1]) {
  const megabytes = Number(process.argv[2] ?? DEFAULT_IMPORT_MB)
  reportOutcome(runImportCase(megabytes))
}
