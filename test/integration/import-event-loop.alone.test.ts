// The UI never freezes during an import: main's event-loop delay measured while a ~50 MB JSONL is
// imported through the app context in browser mode (reading, tokenizing, writing 100k+ records to
// SQLite), with the GPT-2 tokenizer warmed as at app start; while the CWE sample is generated and
// imported; and while the big dataset is deleted.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openAppContext, type AppContext } from '../../src/main/app-context'
import { ImportInput } from '../../src/shared/datasets'
import { ownBlockingMonitor } from './own-blocking-monitor'
import { writeReviewJsonl } from '../support/review-jsonl'

const work = mkdtempSync(join(tmpdir(), 'import-event-loop-'))
/** The bound: no main-thread task over this during an import. */
const LIMIT_MS = 50
const MB = 1024 * 1024
let ctx: AppContext
let path: string
let fileBytes = 0
let imported = 0

beforeAll(async () => {
  path = join(work, 'big.jsonl')
  fileBytes = await writeReviewJsonl(path, 50 * MB)
  ctx = await openAppContext({ dataDir: join(work, 'data'), mode: 'browser' })
})

afterAll(async () => {
  await ctx?.close()
  rmSync(work, { recursive: true, force: true })
})

describe('main during an import', () => {
  it(`keeps every event-loop turn under ${LIMIT_MS} ms while a 50 MB JSONL is imported`, async () => {
    const delay = monitorEventLoopDelay({ resolution: 10 })
    const own = ownBlockingMonitor()
    delay.enable()
    const started = performance.now()
    const d = await ctx.handlers.datasets.import(ImportInput.parse({ name: 'big', paths: [path] }))
    // The monitors see a blocked turn only when their next timer fires: give them one after the last task.
    await new Promise((resolve) => setTimeout(resolve, 100))
    delay.disable()
    const ownMs = own.stop()
    const seconds = (performance.now() - started) / 1000

    expect(d.recordCount).toBeGreaterThan(100_000)
    expect(d.recordCount).toBe(d.trainCount + d.validationCount)
    const ms = (ns: number) => ns / 1e6
    console.info(
      `import of ${(fileBytes / MB).toFixed(1)} MB, ${d.recordCount} records in ${seconds.toFixed(1)} s: event-loop delay ` +
        `p50 ${ms(delay.percentile(50)).toFixed(1)} ms, p99 ${ms(delay.percentile(99)).toFixed(1)} ms, ` +
        `max ${ms(delay.max).toFixed(1)} ms; longest own task ${ownMs.toFixed(1)} ms`
    )
    // The bound is on main's own tasks (the "no main-thread task over 50 ms"). The delay
    // histogram also holds the time the OS ran other threads, this import's tokenizing worker among
    // them: with the machine's 2 cores shared (load 12 seen) its p99 went from 23 to 56 ms while the
    // longest own task stayed under 25 ms, so it is printed, not asserted.
    expect(ownMs).toBeLessThan(LIMIT_MS)
    imported = d.id
  })

  it(`keeps every own task under ${LIMIT_MS} ms while the CWE sample dataset is made and imported`, async () => {
    const own = ownBlockingMonitor()
    const started = performance.now()
    const d = await ctx.handlers.datasets.addSample({ kind: 'cwe-instructions' })
    await new Promise((resolve) => setTimeout(resolve, 100))
    const ownMs = own.stop()
    console.info(
      `CWE sample, ${d.recordCount} records: ${(performance.now() - started).toFixed(0)} ms, longest own task ${ownMs.toFixed(1)} ms`
    )
    expect(d.recordCount).toBeGreaterThan(1000)
    expect(ownMs).toBeLessThan(LIMIT_MS)
    await ctx.handlers.datasets.delete({ id: d.id })
  })

  it(`keeps every own task under ${LIMIT_MS} ms while that dataset is deleted`, async () => {
    const own = ownBlockingMonitor()
    const started = performance.now()
    await ctx.handlers.datasets.delete({ id: imported })
    await new Promise((resolve) => setTimeout(resolve, 100))
    const ownMs = own.stop()
    console.info(
      `delete of ${imported}: ${(performance.now() - started).toFixed(0)} ms, longest own task ${ownMs.toFixed(1)} ms`
    )
    expect(ctx.store.db.prepare('select count(*) as n from dataset_records').get()).toEqual({ n: 0 })
    expect(await ctx.handlers.datasets.list({})).toEqual([])
    expect(ownMs).toBeLessThan(LIMIT_MS)
  })
})
