// A tiny training run on each GPU backend under test (webgpu on lavapipe in CI; LORA_STUDIO_TEST_BACKENDS):
// one worker, and a run stopped at step 3 and resumed from its checkpoint repeats the uninterrupted run's
// losses and ends with the same adapter. cpu and wasm runs are covered by trainer.test.ts.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadHfModelFolder } from '../../../src/engine/formats/hf-model-folder'
import { readPeftAdapter } from '../../../src/engine/training/peft-adapter'
import { activeTrainer, runTraining } from '../../../src/engine/training/train-run'
import type { TrainJobOutput, TrainProgress } from '../../../src/shared/training-protocol'
import { requireFixture, tinyModelDir } from '../engine/fixtures-dir'
import { gpuBackendsUnderTest } from '../engine/gpt2-reference'
import { runDifference, tinyModelFolder, tinyTrainConfig, writeRandomRecords } from './tiny-runs'
import type { TinyRun } from './tiny-runs'

const work = mkdtempSync(join(tmpdir(), 'gpu-training-'))
const trainFile = join(work, 'train.jsonl')
const savedBackend = process.env.LORA_STUDIO_BACKEND

afterAll(() => {
  rmSync(work, { recursive: true, force: true })
  if (savedBackend === undefined) delete process.env.LORA_STUDIO_BACKEND
  else process.env.LORA_STUDIO_BACKEND = savedBackend
})

const config = tinyTrainConfig(trainFile, { batchSize: 2, maxSteps: 6, maxGradNorm: 1, workers: 2 })

let runCounter = 0

/** A run (or its resumption), stopped after `stopAt` steps when given. */
async function run(
  runDir: string,
  opts: { stopAt?: number; resumeFrom?: string } = {}
): Promise<{ out: TrainJobOutput; events: TrainProgress[]; losses: Map<number, number> }> {
  const runId = ++runCounter
  const events: TrainProgress[] = []
  const losses = new Map<number, number>()
  const out = await runTraining(
    { runId, runDir, config, trainFile, validationFile: null, resumeFrom: opts.resumeFrom ?? null },
    (p) => {
      events.push(p)
      if (p.kind !== 'metric' || p.metric.trainLoss === null) return
      losses.set(p.metric.step, p.metric.trainLoss)
      if (p.metric.step === opts.stopAt) activeTrainer(runId)!.stop()
    }
  )
  return { out, events, losses }
}

async function asTinyRun(out: TrainJobOutput, losses: Map<number, number>): Promise<TinyRun> {
  const adapter = await readPeftAdapter(out.adapterPath!, (await loadHfModelFolder(tinyModelFolder)).config)
  return { losses: [...losses.values()], workers: 1, adapter: adapter.modules, peakTfBytes: out.peakTfBytes }
}

requireFixture(tinyModelDir)
// Empty only when LORA_STUDIO_TEST_BACKENDS leaves every GPU backend out (listed in test/skip-allowlist.json).
const backends = gpuBackendsUnderTest

describe.skipIf(backends.length === 0)('training on a GPU backend', () => {
  beforeAll(() => {
    // The engine chooses its backend once per process: this file's process trains on the GPU backend.
    process.env.LORA_STUDIO_BACKEND = backends[0]
    writeRandomRecords(trainFile, { seed: 9, count: 8, minLength: 6, spread: 14, promptLength: 3 })
  })

  it(`trains on ${backends[0]} with one worker, stops at step 3 and resumes to the uninterrupted run's losses and adapter`, async () => {
    const whole = await run(join(work, 'whole'))
    expect(whole.out.status).toBe('completed')
    expect([...whole.losses.keys()]).toEqual([1, 2, 3, 4, 5, 6])
    for (const loss of whole.losses.values()) expect(loss).toBeGreaterThan(5)
    const started = whole.events.find((e) => e.kind === 'started')
    expect(started).toMatchObject({
      workers: 1,
      workersWhy: { why: 'gpu', backend: backends[0], asked: 2 }
    })

    const runDir = join(work, 'resumed')
    const first = await run(runDir, { stopAt: 3 })
    expect(first.out).toMatchObject({ status: 'stopped', step: 3 })
    const second = await run(runDir, { resumeFrom: first.out.lastCheckpoint!.path })
    expect(second.out.status).toBe('completed')
    expect([...second.losses.keys()]).toEqual([4, 5, 6])

    const resumed = new Map([...first.losses, ...second.losses])
    const diff = runDifference(await asTinyRun(whole.out, whole.losses), await asTinyRun(second.out, resumed))
    console.log(`${backends[0]} resume: max |Δloss| ${diff.loss}, max |Δweight| ${diff.weight}`)
    expect(diff.loss).toBeLessThanOrEqual(1e-5)
    expect(diff.weight).toBeLessThanOrEqual(1e-6)
  })
})
