// The bench's quick case run end to end as `npm run bench` runs it (CLI → child process per case), checking
// that every reported figure is there, finite and positive; speed itself is never asserted.
import { execFile } from 'node:child_process'
import { createRequire } from 'node:module'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import type { BenchReport } from '../../../bench/case-result'
import { trainStepFlops } from '../../../bench/flops'
import { findCase } from '../../../bench/cases'

const repoRoot = resolve(import.meta.dirname, '../../..')
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href

function positiveFinite(value: number): void {
  expect(Number.isFinite(value)).toBe(true)
  expect(value).toBeGreaterThan(0)
}

describe('npm run bench -- --quick', () => {
  it('reports speed, memory, FLOPs, efficiency and a kernel profile for train-tiny and generate-tiny', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', tsx, 'bench/index.ts', '--quick', '--json', '--no-torch', '--steps', '2', '--profile'],
      { cwd: repoRoot, maxBuffer: 16 * 2 ** 20, env: { ...process.env, LORA_STUDIO_BACKEND: '' } }
    )
    const report = JSON.parse(stdout) as BenchReport
    expect(report.failures).toEqual([])
    expect(report.torch).toEqual([])
    expect(report.results.map((x) => x.case)).toEqual(['train-tiny', 'generate-tiny'])
    const [r, g] = report.results
    expect(r.case).toBe('train-tiny')
    expect(r.kind).toBe('train')
    expect(r.stepMsAll).toHaveLength(2)
    for (const v of [
      r.tokensPerS,
      r.stepMs,
      r.cpuMs,
      r.tokensPerCpuS,
      r.achievedGflops,
      r.achievedGflopsCpu,
      r.matMul.gflopsWall,
      r.matMul.gflopsCpu,
      r.efficiency,
      r.efficiencyCpu,
      r.peakRssSampledBytes,
      r.setupRssBytes,
      r.tfPeakBytes
    ]) {
      positiveFinite(v)
    }
    const c = findCase('train-tiny')
    if (c.kind !== 'train') throw new Error('train-tiny is a training case')
    expect(r.flopsPerStep).toBe(trainStepFlops(c.config, c.lora, c.batch, c.seqLen))
    expect(r.tokensPerS).toBeCloseTo((c.batch * c.seqLen * 1000) / r.stepMs, 6)
    // A random model's loss is near ln(vocab) = ln(5000) ≈ 8.52.
    expect(r.loss).toBeGreaterThan(7.5)
    expect(r.loss).toBeLessThan(9.5)
    expect(r.leakedTensorsPerStep).toBe(0)
    if (process.platform === 'linux') expect(r.peakRssBytes).toBeGreaterThanOrEqual(r.setupRssBytes)
    const profile = r.profile
    if (profile === undefined) throw new Error('--profile gave no kernel breakdown')
    expect(profile.kernels.length).toBeGreaterThan(3)
    expect(profile.kernels.length).toBeLessThanOrEqual(15)
    expect(profile.kernels.map((k) => k.kernel)).toContain('BatchMatMul')
    for (const k of profile.kernels) expect(k.totalMs).toBeGreaterThanOrEqual(0)
    expect(profile.kernelMs).toBeLessThanOrEqual(profile.stepMs)

    expect(g.kind).toBe('generate')
    for (const v of [
      g.tokensPerS,
      g.stepMs,
      g.prefillMs ?? 0,
      g.prefillGflops ?? 0,
      g.efficiency,
      g.tfPeakBytes
    ]) {
      positiveFinite(v)
    }
    expect(g.tokensPerS).toBeCloseTo(1000 / g.stepMs, 6)
    expect(g.newTokens).toBe(32)
    expect(g.leakedTensorsPerStep).toBe(0)
    expect(g.profile?.kernels.map((k) => k.kernel)).toContain('_FusedMatMul')
  })
})

describe('train step FLOPs', () => {
  it('counts GPT-2-small at 2 × 256 as 2·F_lin + 3·F_att + 2·F_head + 3·F_lora', () => {
    const c = findCase('train-gpt2-small-seq256')
    if (c.kind !== 'train') throw new Error('a training case')
    const n = 512
    const fLin = 2 * n * 12 * 12 * 768 * 768
    const fAtt = 4 * 12 * 256 * 256 * 768 * 2
    const fHead = 2 * 510 * 768 * 50257
    const fLora = 2 * n * 884_736
    expect(trainStepFlops(c.config, c.lora, 2, 256)).toBe(2 * fLin + 3 * fAtt + 2 * fHead + 3 * fLora)
  })

  it('counts the LM head of the SFT case on its 2 × 128 target rows only', () => {
    const c = findCase('train-gpt2-small-sft256')
    if (c.kind !== 'train') throw new Error('a training case')
    expect([c.batch, c.seqLen, c.maskedPrefix]).toEqual([2, 256, 128])
    const full = trainStepFlops(c.config, c.lora, 2, 256)
    const sft = trainStepFlops(c.config, c.lora, 2, 256, 256)
    expect(full - sft).toBe(2 * 2 * (510 - 256) * 768 * 50257)
  })
})
