// A training run with gradientCheckpointing (blocks and logits recomputed in the backward pass, on the
// training thread and in a data-parallel worker) against the same run without: the same losses and
// adapter, every dropout on, on the tiny fixture model (wasm).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { computeOptionsFor } from '../../../src/engine/training/trainer'
import { runDefaults, storedRunConfig } from '../../../src/shared/runs'
import { requireFixture, tinyModelDir } from '../engine/fixtures-dir'
import { runDifference, trainTiny, writeRandomRecords } from './tiny-runs'

const work = mkdtempSync(join(tmpdir(), 'checkpointing-'))
const trainFile = join(work, 'train.jsonl')

beforeAll(() => {
  process.env.LORA_STUDIO_BACKEND = 'wasm'
  writeRandomRecords(trainFile, { seed: 11, count: 12, minLength: 8, spread: 16, promptLength: 2 })
})
afterAll(() => rmSync(work, { recursive: true, force: true }))

describe('the gradientCheckpointing setting', () => {
  it('is off by default, also for configs stored before it existed, and asks for both recomputations', () => {
    expect(runDefaults.gradientCheckpointing).toBe(false)
    const { gradientCheckpointing: _omitted, ...older } = {
      ...runDefaults,
      baseModel: 'gpt2',
      data: { kind: 'dataset', id: 1 }
    }
    expect(storedRunConfig(older).gradientCheckpointing).toBe(false)
    expect(computeOptionsFor({ gradientCheckpointing: false })).toEqual({})
    expect(computeOptionsFor({ gradientCheckpointing: true })).toEqual({
      recomputeBlocks: true,
      loss: { recompute: true }
    })
  })
})

requireFixture(tinyModelDir)
describe('training with gradient checkpointing', () => {
  const train = (gradientCheckpointing: boolean, workers: number) => {
    const runId = (gradientCheckpointing ? 10 : 20) + workers
    return trainTiny(trainFile, join(work, `run-${runId}`), runId, {
      maxSteps: 4,
      workers,
      gradientCheckpointing
    })
  }

  it('gives the same losses and adapter as without, on one worker and on two', async () => {
    const plain = await train(false, 1)
    const runs = [await train(true, 1), await train(true, 2)]
    expect(plain.losses).toHaveLength(4)
    const diffs = runs.map((r) => runDifference(plain, r))
    const maxLoss = Math.max(...diffs.map((d) => d.loss))
    const maxWeight = Math.max(...diffs.map((d) => d.weight))
    console.log(
      `checkpointing vs plain: max |Δloss| ${maxLoss.toExponential(2)}, max |Δweight| ${maxWeight.toExponential(2)}; ` +
        `tf peak ${plain.peakTfBytes} → ${runs[0].peakTfBytes} bytes (1 worker)`
    )
    expect(maxLoss).toBeLessThanOrEqual(1e-5)
    expect(maxWeight).toBeLessThan(1e-6)
    expect(plain.losses[3]).toBeLessThan(plain.losses[0])
  })
})
