// A short training run (the Trainer's whole path: batches of unequal length, LoRA dropout, gradient
// accumulation, clipping, AdamW, the saved adapter) on the llama-tiny, qwen2-tiny and qwen3-tiny
// fixtures, LoRA on attention and MLP projections, gives on each backend under test besides cpu (wasm,
// webgpu) the losses and LoRA weights of the same run on cpu, within the fixture's reference.json
// tolerances (those the parity suite holds every backend to). llama-parity.test.ts covers single steps
// against PyTorch.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { engineBackend } from '../../../src/engine/backend'
import type { BackendName } from '../../../src/shared/system'
import { fixturesDir, requireFixture } from '../engine/fixtures-dir'
import { backendsUnderTest, useBackend } from '../engine/gpt2-reference'
import type { ReferenceSettings } from '../engine/gpt2-reference'
import { runDifference, trainTiny, writeRandomRecords } from './tiny-runs'
import type { TinyRun } from './tiny-runs'

const work = mkdtempSync(join(tmpdir(), 'llama-backend-training-'))
const trainFile = join(work, 'train.jsonl')
afterAll(() => rmSync(work, { recursive: true, force: true }))

const fixtures = [
  {
    name: 'llama-tiny',
    targets: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj']
  },
  { name: 'qwen2-tiny', targets: ['q_proj', 'k_proj', 'v_proj', 'up_proj', 'down_proj'] },
  { name: 'qwen3-tiny', targets: ['q_proj', 'k_proj', 'o_proj', 'gate_proj'] }
]
for (const f of fixtures) requireFixture(join(fixturesDir, f.name, 'reference.json'))

// Empty only when LORA_STUDIO_TEST_BACKENDS is cpu alone (listed in test/skip-allowlist.json).
const others = backendsUnderTest.filter((b) => b !== 'cpu')
const cases = others.flatMap((backend) => fixtures.map((f) => [backend, f.name, f] as const))

let runId = 0
const cpuRuns = new Map<string, Promise<TinyRun>>()

/** 3 steps of 2 micro-batches of 2 on the fixture, LoRA r 4 with dropout, on `backend`. */
async function train(backend: BackendName, fixture: (typeof fixtures)[number]): Promise<TinyRun> {
  await useBackend(backend)
  const id = ++runId
  return trainTiny(trainFile, join(work, `${fixture.name}-${backend}-${id}`), id, {
    baseModel: join(fixturesDir, fixture.name, 'model'),
    batchSize: 2,
    gradientAccumulation: 2,
    maxSteps: 3,
    maxGradNorm: 1,
    // AdamW turns a float rounding in a near-zero gradient into up to lr of weight: 2e-3 keeps that
    // inside the fixtures' trained_abs (lr 1e-2 gave 4.8e-5 on wasm, qwen2), while B still moves ~6e-3.
    learningRate: 2e-3,
    workers: 1,
    lora: { r: 4, alpha: 8, dropout: 0.1, targetModules: fixture.targets }
  })
}

describe.skipIf(cases.length === 0)('a short Llama-family run against the same run on cpu', () => {
  beforeAll(async () => {
    // A run asks for the engine's backend (its memory estimate, its workers), chosen once per process:
    // choose it now, so that no run's first call switches tfjs away from the backend the run set.
    await engineBackend()
    writeRandomRecords(trainFile, { seed: 4, count: 12, minLength: 6, spread: 14, promptLength: 3 })
  })

  it.each(cases)('on %s, %s: the losses and LoRA weights of cpu', async (backend, name, fixture) => {
    const cpu = cpuRuns.get(name) ?? train('cpu', fixture)
    cpuRuns.set(name, cpu)
    const reference = await cpu
    const run = await train(backend, fixture)
    expect(run.losses).toHaveLength(3)
    expect(reference.losses).toHaveLength(3)
    expect([...run.adapter.keys()].sort()).toEqual([...reference.adapter.keys()].sort())
    expect(run.adapter.size).toBe(2 * fixture.targets.length)
    const { tolerance } = JSON.parse(
      readFileSync(join(fixturesDir, name, 'reference.json'), 'utf8')
    ) as ReferenceSettings
    const diff = runDifference(reference, run)
    console.info(`${backend} ${name} vs cpu: max |Δloss| ${diff.loss}, max |Δweight| ${diff.weight}`)
    expect(diff.loss).toBeLessThanOrEqual(tolerance.loss_abs)
    expect(diff.weight).toBeLessThanOrEqual(tolerance.trained_abs)
    // B starts at zero: the runs trained it far past the tolerance, so the comparison has teeth.
    const moved = Math.max(...[...run.adapter.values()].flatMap((w) => Array.from(w.b, Math.abs)))
    console.info(`${backend} ${name}: max |B| ${moved}`)
    expect(moved).toBeGreaterThan(100 * tolerance.trained_abs)
  })
})
