// Data-parallel training on the tiny fixture model (wasm): how a step's rows are shared, the same
// losses and adapter with 1, 2 and 3 workers (all dropouts on), a worker's error reaching the step
// with its name, and no tensor leak over 1,000 steps on the training thread or in a worker.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../src/engine/backend'
import { loadHfModelFolder } from '../../../src/engine/formats/hf-model-folder'
import { Rng } from '../../../src/engine/generation/rng'
import { Gpt2Model } from '../../../src/engine/model/gpt2-model'
import { LoraAdapter } from '../../../src/engine/model/lora'
import type { LoraConfig } from '../../../src/engine/model/lora'
import { AdamW } from '../../../src/engine/optim/adamw'
import { clipGradNorm } from '../../../src/engine/optim/clip-grad-norm'
import { dataParallelGradients } from '../../../src/engine/training/data-parallel-step'
import { PASS_TOKENS, sharePieces } from '../../../src/engine/training/gradient-pieces'
import type { MicroBatch } from '../../../src/engine/training/gradient-pieces'
import {
  GradientWorkers,
  resolveWorkerCount,
  type WorkerChoice,
  shareWeights
} from '../../../src/engine/training/gradient-workers'
import type { TokenRecord } from '../../../src/engine/training/training-data'
import { workersWhyText } from '../../../src/main/runs/started-words'
import { requireFixture, tinyModelDir } from '../engine/fixtures-dir'
import { maxGradDiff } from '../engine/gpt2-reference'
import { runDifference, tinyModelFolder, trainTiny, writeRandomRecords } from './tiny-runs'

const work = mkdtempSync(join(tmpdir(), 'data-parallel-'))
const trainFile = join(work, 'train.jsonl')

function record(ids: number[], promptLength = 0): TokenRecord {
  return {
    inputIds: Int32Array.from(ids),
    labels: Int32Array.from(ids, (id, t) => (t < promptLength ? -100 : id))
  }
}

beforeAll(async () => {
  await initBackend('wasm')
  writeRandomRecords(trainFile, { seed: 5, count: 16, minLength: 5, spread: 20, promptLength: 2 })
})
afterAll(() => rmSync(work, { recursive: true, force: true }))

describe('sharing a step among workers', () => {
  const rec = (n: number) => record(Array.from({ length: n }, (_, i) => i + 1))
  const micro = (sizes: number[][], seed0: number): MicroBatch => ({
    records: sizes.map((s) => rec(s[0])),
    seeds: sizes.map((_, i) => seed0 + i)
  })

  it('hands out whole micro-batches round-robin when there are at least as many as workers', () => {
    const shares = sharePieces([micro([[3], [4]], 10), micro([[5]], 20), micro([[6], [2]], 30)], 2)
    expect(shares.map((s) => s.map((p) => p.dropoutSeeds))).toEqual([
      [
        [10, 11],
        [30, 31]
      ],
      [[20]]
    ])
    expect(shares[0][0].batch).toMatchObject({ batch: 2, seqLen: 4 })
  })

  it('splits the rows of a micro-batch when there are fewer micro-batches than workers', () => {
    const shares = sharePieces([micro([[3], [4], [5]], 10)], 2)
    expect(shares.map((s) => s.map((p) => p.dropoutSeeds))).toEqual([[[10]], [[11, 12]]])
    // each part is padded only to its own longest row
    expect(shares[1][0].batch).toMatchObject({ batch: 2, seqLen: 5 })
    expect(sharePieces([micro([[3]], 1)], 3).map((s) => s.length)).toEqual([1, 0, 0])
  })

  it('runs long rows as passes of at most PASS_TOKENS tokens (one row at least)', () => {
    const long = micro([[600], [600], [300], [200], [2000]], 1)
    const [only] = sharePieces([long], 1)
    // the longest row (2000 tokens) sets the pass size: one row a pass
    expect(only.map((p) => p.dropoutSeeds)).toEqual([[1], [2], [3], [4], [5]])
    const short = micro([[300], [300], [300], [300]], 10)
    expect(sharePieces([short], 1)[0].map((p) => p.dropoutSeeds)).toEqual([[10, 11, 12], [13]])
    expect(PASS_TOKENS).toBe(1024)
  })

  it('chooses one worker per core on single-threaded backends, capped by rows and memory, and says why', () => {
    const base = {
      requested: null,
      backend: 'wasm' as const,
      rowsPerStep: 64,
      bytesPerWorker: 1e9,
      freeBytes: 64e9,
      cores: 4
    }
    const why = (choice: WorkerChoice) => [choice.count, workersWhyText(choice.count, choice.why)]
    expect(why(resolveWorkerCount(base))).toEqual([4, '4 workers: one per core on wasm'])
    expect(why(resolveWorkerCount({ ...base, rowsPerStep: 1 }))).toEqual([
      1,
      '1 worker: no more than the rows of a step'
    ])
    expect(why(resolveWorkerCount({ ...base, freeBytes: 2.5e9 }))).toEqual([
      2,
      '2 workers: as many model copies as free memory holds, on wasm'
    ])
    expect(why(resolveWorkerCount({ ...base, backend: 'tensorflow' }))).toEqual([
      1,
      '1 worker: tfjs-node uses every core by itself'
    ])
    expect(why(resolveWorkerCount({ ...base, requested: 3 }))).toEqual([3, '3 workers as asked'])
    expect(why(resolveWorkerCount({ ...base, requested: 3, rowsPerStep: 2 }))).toEqual([
      2,
      '2 workers (3 asked): no more than the rows of a step'
    ])
  })

  it('uses one worker on a GPU backend, even when more are asked', () => {
    const base = { requested: null, rowsPerStep: 64, bytesPerWorker: 1e9, freeBytes: 64e9, cores: 16 }
    expect(resolveWorkerCount({ ...base, backend: 'webgpu' })).toEqual({
      count: 1,
      why: { why: 'gpu', backend: 'webgpu', asked: null }
    })
    expect(resolveWorkerCount({ ...base, backend: 'webgpu', requested: 4 })).toEqual({
      count: 1,
      why: { why: 'gpu', backend: 'webgpu', asked: 4 }
    })
    expect(resolveWorkerCount({ ...base, backend: 'tensorflow-gpu' }).count).toBe(1)
  })
})

requireFixture(tinyModelDir)
describe('data-parallel training', () => {
  const train = (workers: number) =>
    trainTiny(trainFile, join(work, `run-${workers}`), workers, { maxSteps: 5, workers })

  it('gives the same losses and adapter with 1, 2 and 3 workers, every dropout on', async () => {
    const one = await train(1)
    const two = await train(2)
    const three = await train(3)
    expect([one.workers, two.workers, three.workers]).toEqual([1, 2, 3])
    expect(one.losses).toHaveLength(5)
    const diffs = [two, three].map((other) => runDifference(one, other))
    const maxLoss = Math.max(...diffs.map((d) => d.loss))
    const maxWeight = Math.max(...diffs.map((d) => d.weight))
    console.log(
      `1 vs 2 and 3 workers: max |Δloss| ${maxLoss.toExponential(2)}, max |Δweight| ${maxWeight.toExponential(2)}`
    )
    expect(maxLoss).toBeLessThan(1e-5)
    expect(maxWeight).toBeLessThan(1e-6)
    // the run did learn something, so equal weights are not two untouched initialisations
    expect(one.losses[4]).toBeLessThan(one.losses[0])
  })

  describe('a pool on the tiny model', () => {
    const lora: LoraConfig = {
      r: 4,
      alpha: 8,
      dropout: 0.1,
      targetModules: ['attn.c_attn'],
      useRslora: false,
      bias: 'none'
    }
    let model: Gpt2Model
    let workers: GradientWorkers

    beforeAll(async () => {
      const checkpoint = await loadHfModelFolder(tinyModelFolder)
      const shared = shareWeights(checkpoint.weights)
      model = Gpt2Model.fromArrays(
        checkpoint.config,
        shared,
        LoraAdapter.create(checkpoint.config, lora, new Rng(1))
      )
      workers = await GradientWorkers.start(1, 'wasm', { config: checkpoint.config, lora, weights: shared })
    })
    afterAll(async () => {
      await workers.dispose()
      model.lora?.dispose()
      model.dispose()
    })

    it("reports a worker's error with the worker's name, and the next step still works", async () => {
      const bad: MicroBatch = { records: [record([1, 2, 3]), record([4, 5, 5000])], seeds: [1, 2] }
      await expect(dataParallelGradients(model, workers, [bad], 0.25)).rejects.toThrow(
        /gradient worker 1: token id 5000 is outside the vocabulary/
      )
      expect(tf.memory().numTensors).toBeGreaterThan(0)
      const good: MicroBatch = { records: [record([1, 2, 3]), record([4, 5, 6])], seeds: [1, 2] }
      const g = await dataParallelGradients(model, workers, [good], 0.25)
      expect(g.targetTokens).toBe(4)
      tf.dispose([...g.grads, g.lossSum])
    })

    it('gives the same loss and gradients with 1 and 2 workers on SFT rows, one of them fully masked', async () => {
      const rng = new Rng(9)
      const ids = (n: number) => Array.from({ length: n }, () => rng.nextInt(999))
      // Shared row by row: the training thread gets the fully masked row (no target: the early return),
      // the worker the prompt-masked one; and the other way round, so both sides see both.
      const rows = [record(ids(9), 9), record(ids(12), 5), record(ids(7), 3), record(ids(10), 10)]
      const steps: MicroBatch[] = [
        { records: rows.slice(0, 2), seeds: [1, 2] },
        { records: [rows[2], rows[3]], seeds: [3, 4] }
      ]
      for (const micro of steps) {
        const one = await dataParallelGradients(model, null, [micro], 1 / 8)
        const two = await dataParallelGradients(model, workers, [micro], 1 / 8)
        const [lossOne, lossTwo] = [(await one.lossSum.data())[0], (await two.lossSum.data())[0]]
        const read = (grads: tf.Tensor[]) => Promise.all(grads.map((g) => g.data()))
        const { diff, max } = maxGradDiff(await read(one.grads), await read(two.grads))
        console.log(
          `SFT rows, 1 vs 2 workers: |Δloss| ${Math.abs(lossOne - lossTwo).toExponential(2)}, max |Δgrad| ${diff.toExponential(2)} (max |grad| ${max.toExponential(2)})`
        )
        expect(two.targetTokens).toBe(one.targetTokens)
        expect(one.targetTokens).toBeGreaterThan(0)
        expect(Math.abs(lossOne - lossTwo)).toBeLessThan(1e-4)
        expect(max).toBeGreaterThan(1e-4)
        expect(diff).toBeLessThan(1e-6)
        tf.dispose([...one.grads, one.lossSum, ...two.grads, two.lossSum])
      }
    })

    it('leaks no tensor over 1,000 optimizer steps, here or in the worker', async () => {
      const adam = new AdamW(model.lora!.variables(), { lr: 1e-3 })
      const rng = new Rng(3)
      const counts: number[] = []
      const workerBytes: number[] = []
      for (let step = 0; step < 1000; step++) {
        const micro: MicroBatch = {
          records: [0, 1].map(() => record(Array.from({ length: 6 }, () => rng.nextInt(999)))),
          seeds: [rng.nextUint32(), rng.nextUint32()]
        }
        const g = await dataParallelGradients(model, workers, [micro], 1 / 10)
        const clipped = clipGradNorm(g.grads, 1)
        adam.update(clipped.grads)
        tf.dispose([...g.grads, ...clipped.grads, clipped.totalNorm, g.lossSum])
        counts.push(tf.memory().numTensors)
        workerBytes.push(g.workerTfBytes)
      }
      adam.dispose()
      expect(new Set(counts.slice(1)).size).toBe(1)
      expect(new Set(workerBytes.slice(1)).size).toBe(1)
      console.log(
        `1,000 steps: ${counts[999]} tensors on the training thread throughout, worker ${workerBytes[999]} bytes`
      )
    }, 300_000)
  })
})
