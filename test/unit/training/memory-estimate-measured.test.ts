// The memory estimate against a measured peak: the tiny model's bench case run in its own process (as
// `npm run bench` runs it), with one worker and with two, must land within ±15 % of the process's peak RSS
// (VmHWM) and of tfjs's peak tensor bytes — real measurements, nothing hard-coded.
import { execFile } from 'node:child_process'
import { createRequire } from 'node:module'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import type { BenchReport, CaseResult } from '../../../bench/case-result'

const repoRoot = resolve(import.meta.dirname, '../../..')
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href

async function tinyCase(workers: number): Promise<CaseResult> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      ...['--import', tsx, 'bench/index.ts', '--case', 'train-tiny', '--json', '--no-torch'],
      ...['--steps', '2', '--workers', String(workers), '--no-single-worker', '--backend', 'wasm']
    ],
    { cwd: repoRoot, maxBuffer: 16 * 2 ** 20 }
  )
  const report = JSON.parse(stdout) as BenchReport
  expect(report.failures).toEqual([])
  return report.results[0]
}

function within15(estimate: number | undefined, measured: number | null): void {
  expect(estimate).toBeDefined()
  expect(measured).not.toBeNull()
  const ratio = (estimate ?? 0) / (measured ?? 1)
  expect(ratio, `estimate ${estimate} vs measured ${measured}`).toBeGreaterThan(0.85)
  expect(ratio, `estimate ${estimate} vs measured ${measured}`).toBeLessThan(1.15)
}

describe('memory estimate against a measured tiny-model step', () => {
  it.each([1, 2])(
    '%i worker(s): estimate within ±15 % of peak RSS and of peak tensor bytes',
    async (workers) => {
      const r = await tinyCase(workers)
      expect(r.workers).toBe(workers)
      within15(r.memoryEstimateBytes, r.peakRssBytes)
      within15(r.tensorEstimateBytes, r.tfPeakBytes)
    },
    240_000
  )
})
