// The bench's dataset-import case run as `npm run bench` runs it (CLI → child process), on a 2 MB JSONL:
// every reported figure must be there, finite and positive, and consistent; speed itself is never asserted.
import { execFile } from 'node:child_process'
import { createRequire } from 'node:module'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import type { BenchReport } from '../../../bench/case-result'

const repoRoot = resolve(import.meta.dirname, '../../..')
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href
const MB = 1024 * 1024

describe('npm run bench -- --case import-jsonl-500mb', () => {
  // VmHWM and its reset are Linux's; the case refuses to guess elsewhere.
  it.skipIf(process.platform !== 'linux')(
    'reports size, records, speed and peak RSS of a 2 MB import',
    async () => {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ['--import', tsx, 'bench/index.ts', '--case', 'import-jsonl-500mb', '--import-mb', '2', '--json'],
        { cwd: repoRoot, maxBuffer: 16 * MB }
      )
      const report = JSON.parse(stdout) as BenchReport
      expect(report.failures).toEqual([])
      expect(report.results).toEqual([])
      expect(report.imports).toHaveLength(1)
      const r = report.imports[0]
      expect(r.case).toBe('import-jsonl-500mb')
      for (const v of [
        r.fileBytes,
        r.records,
        r.tokens,
        r.seconds,
        r.mbPerS,
        r.recordsPerS,
        r.baselineRssBytes,
        r.peakRssBytes
      ]) {
        expect(Number.isFinite(v)).toBe(true)
        expect(v).toBeGreaterThan(0)
      }
      expect(r.fileBytes).toBeGreaterThanOrEqual(2 * MB)
      expect(r.fileBytes).toBeLessThan(2 * MB + 4096)
      // Every generated record differs, so dedupe keeps them all: ~490 bytes a line.
      expect(r.records).toBeGreaterThan(3000)
      expect(r.records).toBeLessThan(6000)
      expect(r.mbPerS).toBeCloseTo(r.fileBytes / MB / r.seconds, 6)
      expect(r.recordsPerS).toBeCloseTo(r.records / r.seconds, 6)
      expect(r.peakGrowthBytes).toBe(r.peakRssBytes - r.baselineRssBytes)
      expect(r.peakGrowthBytes).toBeGreaterThanOrEqual(0)
    }
  )

  it('rejects a size that is not a positive number', async () => {
    const run = promisify(execFile)(
      process.execPath,
      ['--import', tsx, 'bench/index.ts', '--case', 'import-jsonl-500mb', '--import-mb', '0', '--json'],
      { cwd: repoRoot }
    )
    await expect(run).rejects.toThrow(/--import-mb must be a number > 0; got 0/)
  })
})
