// Run by datasets-import-memory.alone.test.ts in its own Node process (so no other test's allocations
// count): writes a JSONL file of the given size, imports it, and prints one JSON line with the peak
// RSS growth during the import (Linux VmHWM, reset just before it) and SQLite's page cache size.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { defaultTokenizer } from '../../src/main/datasets/default-tokenizer'
import { ImportInput } from '../../src/shared/datasets'
import { writeReviewJsonl } from '../support/review-jsonl'
import { openDatasetService } from '../support/dataset-service'

export interface ImportMemoryResult {
  fileBytes: number
  records: number
  seconds: number
  peakGrowthBytes: number
  pageCacheBytes: number
}

function residentBytes(field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync('/proc/self/status', 'utf8'))
  if (!match) throw new Error(`/proc/self/status has no ${field}`)
  return Number(match[1]) * 1024
}

async function main(): Promise<void> {
  const [dir, megabytes] = process.argv.slice(2)
  const path = join(dir, 'big.jsonl')
  const fileBytes = await writeReviewJsonl(path, Number(megabytes) * 1024 * 1024, 8)
  const { store, service } = openDatasetService(join(dir, 'data'))
  await defaultTokenizer()
  // Fixed costs come before the baseline: the tokenizing worker thread imports use (a V8 isolate and
  // GPT-2's vocabulary, ~40 MB, started once and kept) is warmed by a one-record import.
  const warmUp = join(dir, 'warm-up.jsonl')
  writeFileSync(warmUp, JSON.stringify({ instruction: 'Say hi', input: '', output: 'Hi!' }) + '\n')
  await service.import(
    ImportInput.parse({
      name: 'warm-up',
      paths: [warmUp],
      split: { kind: 'ratio', validationRatio: 0, seed: 1 }
    })
  )
  const cacheSize = store.db.pragma('cache_size', { simple: true }) as number
  const pageSize = store.db.pragma('page_size', { simple: true }) as number
  global.gc?.()
  const baseline = residentBytes('VmRSS')
  // Writing 5 resets the peak (VmHWM) to the current RSS.
  writeFileSync('/proc/self/clear_refs', '5')
  const started = Date.now()
  const d = await service.import(ImportInput.parse({ name: 'big', paths: [path] }))
  const result: ImportMemoryResult = {
    fileBytes,
    records: d.recordCount,
    seconds: (Date.now() - started) / 1000,
    peakGrowthBytes: residentBytes('VmHWM') - baseline,
    pageCacheBytes: cacheSize < 0 ? -cacheSize * 1024 : cacheSize * pageSize
  }
  store.close()
  process.stdout.write(JSON.stringify(result) + '\n')
}

await main()
