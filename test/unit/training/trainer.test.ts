// The training loop on the tiny fixture model (wasm): exact resume after a stop, pause in place,
// the NaN guard keeping the last good checkpoint, evaluation with best/last-K retention, and the
// memory estimate against what tfjs measured.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadHfModelFolder } from '../../../src/engine/formats/hf-model-folder'
import type { LoraWeightArrays } from '../../../src/engine/model/lora'
import { readPeftAdapter } from '../../../src/engine/training/peft-adapter'
import { activeTrainer, runTraining } from '../../../src/engine/training/train-run'
import type { RunConfigPatchValues, RunMetric } from '../../../src/shared/runs'
import type { TrainJobOutput, TrainProgress } from '../../../src/shared/training-protocol'
import { requireFixture, tinyModelDir } from '../engine/fixtures-dir'
import { tinyTrainConfig, writeRandomRecords } from './tiny-runs'

const work = mkdtempSync(join(tmpdir(), 'trainer-'))
const modelDir = join(tinyModelDir, 'model')
const trainFile = join(work, 'train.jsonl')
requireFixture(tinyModelDir)

beforeAll(() => {
  process.env.LORA_STUDIO_BACKEND = 'wasm'
  // a masked "prompt" of 3 tokens, as instruction records have
  writeRandomRecords(trainFile, { seed: 7, count: 12, minLength: 6, spread: 14, promptLength: 3 })
})
afterAll(() => rmSync(work, { recursive: true, force: true }))

let runCounter = 0
function config(extra: RunConfigPatchValues = {}) {
  return tinyTrainConfig(trainFile, {
    batchSize: 2,
    maxSteps: 8,
    schedule: 'linear',
    warmupSteps: 2,
    weightDecay: 0.01,
    keepLast: null,
    lora: { r: 4, alpha: 8, dropout: 0.1, targetModules: ['attn.c_attn', 'attn.c_proj'] },
    ...extra
  })
}

interface Collected {
  out: TrainJobOutput
  events: TrainProgress[]
  losses: Map<number, number>
}

async function train(
  cfg: ReturnType<typeof config>,
  opts: {
    runDir?: string
    resumeFrom?: string | null
    onEvent?: (p: TrainProgress, runId: number) => void
  } = {}
): Promise<Collected & { runDir: string }> {
  const runId = ++runCounter
  const runDir = opts.runDir ?? join(work, `run-${runId}`)
  const events: TrainProgress[] = []
  const losses = new Map<number, number>()
  const out = await runTraining(
    { runId, runDir, config: cfg, trainFile, validationFile: null, resumeFrom: opts.resumeFrom ?? null },
    (p) => {
      events.push(p)
      if (p.kind === 'metric' && p.metric.trainLoss !== null) losses.set(p.metric.step, p.metric.trainLoss)
      opts.onEvent?.(p, runId)
    }
  )
  return { out, events, losses, runDir }
}

const metrics = (events: TrainProgress[]): RunMetric[] =>
  events.flatMap((e) => (e.kind === 'metric' ? [e.metric] : []))

describe('trainer', () => {
  let reference: Collected

  beforeAll(async () => {
    reference = await train(config())
  })

  it('trains with token-weighted accumulation, schedule and metrics per step', () => {
    expect(reference.out.status).toBe('completed')
    expect(reference.out.step).toBe(8)
    const m = metrics(reference.events)
    expect(m.map((x) => x.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    // linear with 2 warmup steps over 8: 0, lr/2, lr, 5/6 lr, ...
    expect(m[0].learningRate).toBe(0)
    expect(m[1].learningRate).toBeCloseTo(2.5e-3, 12)
    expect(m[2].learningRate).toBeCloseTo(5e-3, 12)
    expect(m[3].learningRate).toBeCloseTo((5e-3 * 5) / 6, 12)
    // 12 records / batch 2 = 6 micro-batches / 2 = 3 steps an epoch
    expect(m[2].epoch).toBe(1)
    for (const x of m) {
      expect(x.trainLoss).toBeGreaterThan(5)
      expect(x.gradNorm).toBeGreaterThan(0)
      expect(x.tokensPerS).toBeGreaterThan(0)
      expect(x.rssBytes).toBeGreaterThan(0)
    }
    // epochs 1 and 2 (steps 1–3 and 4–6) see the same 12 records: the second epoch's mean loss is lower
    const epochMean = (from: number) =>
      (m[from].trainLoss! + m[from + 1].trainLoss! + m[from + 2].trainLoss!) / 3
    expect(epochMean(3)).toBeLessThan(epochMean(0))
    expect(existsSync(join(reference.out.adapterPath!, 'adapter_model.safetensors'))).toBe(true)
  })

  it('resumes exactly: stopped at step 3 and resumed, every later loss equals the uninterrupted run', async () => {
    const runDir = join(work, 'resumed')
    const first = await train(config(), {
      runDir,
      onEvent: (p, runId) => {
        if (p.kind === 'metric' && p.metric.step === 3) activeTrainer(runId)!.stop()
      }
    })
    expect(first.out.status).toBe('stopped')
    expect(first.out.step).toBe(3)
    expect(first.out.lastCheckpoint?.reason).toBe('stop')
    const second = await train(config(), { runDir, resumeFrom: first.out.lastCheckpoint!.path })
    expect(second.out.status).toBe('completed')
    expect(second.events.find((e) => e.kind === 'started')).toMatchObject({ resumedFromStep: 3 })
    expect([...second.losses.keys()]).toEqual([4, 5, 6, 7, 8])
    let maxDelta = 0
    for (const [step, loss] of second.losses)
      maxDelta = Math.max(maxDelta, Math.abs(loss - reference.losses.get(step)!))
    for (const [step, loss] of first.losses)
      maxDelta = Math.max(maxDelta, Math.abs(loss - reference.losses.get(step)!))
    console.log(`resume exactness: max |Δloss| = ${maxDelta}`)
    expect(maxDelta).toBeLessThanOrEqual(1e-5)
  })

  it('pauses in place with a checkpoint and resumes to the same losses', async () => {
    let pausedSeen = false
    const r = await train(config(), {
      onEvent: (p, runId) => {
        if (p.kind === 'metric' && p.metric.step === 2) activeTrainer(runId)!.pause()
        if (p.kind === 'status' && p.status === 'paused') {
          pausedSeen = true
          setTimeout(() => activeTrainer(runId)!.resume(), 20)
        }
      }
    })
    expect(pausedSeen).toBe(true)
    const cps = r.events.flatMap((e) => (e.kind === 'checkpoint' ? [e.checkpoint] : []))
    expect(cps.map((c) => [c.step, c.reason])).toEqual([
      [2, 'pause'],
      [8, 'final']
    ])
    expect(r.events.some((e) => e.kind === 'status' && e.status === 'running')).toBe(true)
    for (const [step, loss] of r.losses)
      expect(Math.abs(loss - reference.losses.get(step)!)).toBeLessThanOrEqual(1e-5)
  })

  it('stops a run whose stop comes while it writes its pause checkpoint', async () => {
    const r = await train(config(), {
      onEvent: (p, runId) => {
        if (p.kind === 'metric' && p.metric.step === 2) activeTrainer(runId)!.pause()
        // Reported before the trainer starts waiting: a stop here must not leave it waiting forever.
        if (p.kind === 'checkpoint' && p.checkpoint.reason === 'pause') activeTrainer(runId)!.stop()
      }
    })
    expect(r.out.status).toBe('stopped')
    expect(r.out.step).toBe(2)
  })

  it('stops on a NaN loss with a clear message and keeps the last good checkpoint', async () => {
    const r = await train(config({ saveEvery: 2 }), {
      onEvent: (p, runId) => {
        if (p.kind === 'checkpoint' && p.checkpoint.step === 4) {
          // every lora_A to NaN, synchronously (the trainer goes on once this returns)
          const vars = activeTrainerLora(runId).variables()
          tf.tidy(() => vars.forEach((v, i) => i % 2 === 0 && v.assign(tf.fill(v.shape, Number.NaN))))
        }
      }
    })
    expect(r.out.status).toBe('failed')
    expect(r.out.step).toBe(4)
    expect(r.out.message).toMatch(
      /loss became NaN at step 5.*Last good checkpoint: step-4.*lower learning rate/
    )
    expect(readdirSync(join(r.runDir, 'checkpoints')).sort()).toEqual(['step-2', 'step-4'])
  })

  it('evaluates, keeps the last K checkpoints plus the best by eval loss', async () => {
    const r = await train(
      config({
        validation: { kind: 'split', ratio: 0.25 },
        evalEvery: 2,
        saveEvery: 2,
        keepLast: 1,
        learningRate: 5e-2
      })
    )
    const evals = metrics(r.events).filter((m) => m.evalLoss !== null)
    expect(evals.map((m) => m.step)).toEqual([2, 4, 6, 8])
    for (const m of evals) expect(m.perplexity).toBeCloseTo(Math.exp(m.evalLoss!), 6)
    const best = evals.reduce((a, b) => (b.evalLoss! < a.evalLoss! ? b : a))
    const kept = readdirSync(join(r.runDir, 'checkpoints')).sort()
    expect(kept).toEqual([...new Set([`step-${best.step}`, 'step-8'])].sort())
    const started = r.events.find((e) => e.kind === 'started')
    expect(started).toMatchObject({ trainSamples: 9, validationSamples: 3, totalSteps: 8 })
  })

  it("continues from a finished run's adapter: the LoRA weights start as the adapter holds them", async () => {
    const adapterDir = reference.out.adapterPath!
    const saved = await readPeftAdapter(adapterDir, (await loadHfModelFolder(modelDir)).config)
    let reading: Promise<Map<string, LoraWeightArrays>> | null = null
    const r = await train(config({ initAdapter: adapterDir, maxSteps: 2 }), {
      onEvent: (p, runId) => {
        // the read is queued before the first step can change the weights
        if (p.kind === 'started') reading = activeTrainerLora(runId).readWeights()
      }
    })
    expect(r.out.status).toBe('completed')
    expect(reading).not.toBeNull()
    const initial = await reading!
    for (const [name, pair] of saved.modules) {
      expect(initial!.get(name)?.a).toEqual(pair.a)
      expect(initial!.get(name)?.b).toEqual(pair.b)
    }
    await expect(train(config({ initAdapter: adapterDir, lora: { r: 8 } }))).rejects.toThrow(
      /has LoRA r 4, alpha 8 on attn.c_attn, attn.c_proj, but this run asks r 8/
    )
  })

  it('measured tensor memory is within an order of magnitude of the estimate', () => {
    const started = reference.events.find((e) => e.kind === 'started')
    if (started?.kind !== 'started') throw new Error('no started event')
    // totalBytes is the whole process's RSS now; tfjs's peak is compared with the estimate's tensor part.
    const estimated = started.estimate.memory.tensorBytes
    const measured = reference.out.peakTfBytes
    console.log(
      `memory: estimated ${(estimated / 2 ** 20).toFixed(2)} MiB, measured tf peak ${(measured / 2 ** 20).toFixed(2)} MiB`
    )
    expect(measured / estimated).toBeGreaterThan(0.1)
    expect(measured / estimated).toBeLessThan(10)
  })
})

function activeTrainerLora(runId: number) {
  const t = activeTrainer(runId)
  if (!t) throw new Error('no trainer')
  return t.loraAdapter
}
