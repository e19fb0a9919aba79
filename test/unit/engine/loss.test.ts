// The causal-LM loss against a direct float64 computation: shift, -100 ignored, sum and count, its
// hand-written gradient, and the same numbers whatever the chunk size or recomputation, on cpu and wasm.
import { beforeAll, describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import { Rng } from '../../../src/engine/generation/rng'
import { causalLmLoss, shiftedTargets } from '../../../src/engine/model/causal-lm-loss'
import type { LossOptions } from '../../../src/engine/model/causal-lm-loss'
import { createLmHead, disposeLmHead, LM_HEAD_BLOCK } from '../../../src/engine/model/frozen-weights'
import { backendsUnderTest, maxAbsDiff, useBackend, values } from './gpt2-reference'

const batch = 2
const seqLen = 5
const embd = 4
const vocab = 7
const rng = new Rng(11)
const hiddenData = Float32Array.from({ length: batch * seqLen * embd }, () => rng.nextFloat() * 2 - 1)
const headData = Float32Array.from({ length: vocab * embd }, () => rng.nextFloat() * 2 - 1)
// Row 0 predicts from position 0; row 1 has a masked prompt (first two) and one padding label at the end.
const labels = Int32Array.from([3, 1, 6, 0, 2, -100, -100, 5, 4, -100])

/** Float64 reference: per target row, logsumexp − target logit; gradient (softmax − one-hot)·W. */
function reference(hiddenData: Float32Array): { sum: number; count: number; grad: Float64Array } {
  const grad = new Float64Array(batch * seqLen * embd)
  let sum = 0
  let count = 0
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i + 1 < seqLen; i++) {
      const target = labels[b * seqLen + i + 1]
      if (target === -100) continue
      const row = b * seqLen + i
      const logits = Array.from({ length: vocab }, (_, v) => {
        let dot = 0
        for (let e = 0; e < embd; e++) dot += hiddenData[row * embd + e] * headData[v * embd + e]
        return dot
      })
      const max = Math.max(...logits)
      const lse = max + Math.log(logits.reduce((acc, l) => acc + Math.exp(l - max), 0))
      sum += lse - logits[target]
      count += 1
      for (let v = 0; v < vocab; v++) {
        const d = Math.exp(logits[v] - lse) - (v === target ? 1 : 0)
        for (let e = 0; e < embd; e++) grad[row * embd + e] += d * headData[v * embd + e]
      }
    }
  }
  return { sum, count, grad }
}

describe('shiftedTargets', () => {
  it('pairs row b·T+i with labels[b·T+i+1], skipping -100', () => {
    const { rows, targets } = shiftedTargets(labels, batch, seqLen)
    expect(Array.from(rows)).toEqual([0, 1, 2, 3, 6, 7])
    expect(Array.from(targets)).toEqual([1, 6, 0, 2, 5, 4])
  })
})

describe.each(backendsUnderTest)('causalLmLoss on %s', (backend) => {
  beforeAll(() => useBackend(backend))
  const expected = reference(hiddenData)

  async function run(
    options: LossOptions,
    blockSize: number,
    hiddenValues = hiddenData,
    limitBytes?: number
  ): Promise<{ sum: number; count: number; grad: Float32Array }> {
    const hidden = tf.tensor2d(hiddenValues, [batch * seqLen, embd])
    const head = createLmHead({ shape: [vocab, embd], data: headData }, { blockSize, limitBytes })
    let count = 0
    const { value, grad } = tf.valueAndGrad((h: tf.Tensor) => {
      const out = causalLmLoss(h as tf.Tensor2D, head, labels, batch, seqLen, options)
      count = out.count
      return out.lossSum
    })(hidden)
    const sum = (await value.data())[0]
    const data = Float32Array.from(await grad.data())
    disposeLmHead(head, false)
    tf.dispose([hidden, grad, value])
    return { sum, count, grad: data }
  }

  // Block size 3 cuts the 7-token vocabulary into head blocks of 3, 3 and 1 columns.
  for (const blockSize of [LM_HEAD_BLOCK, 3]) {
    for (const options of [
      {},
      { chunkTokens: 4 },
      { chunkTokens: 1, recompute: true },
      { chunkTokens: 4, recompute: true }
    ]) {
      it(`gives the summed loss, the count and the gradient with ${JSON.stringify(options)}, head blocks of ${blockSize}`, async () => {
        const before = tf.memory().numTensors
        const got = await run(options, blockSize)
        expect(got.count).toBe(expected.count)
        expect(got.sum).toBeCloseTo(expected.sum, 4)
        expect(maxAbsDiff(got.grad, expected.grad)).toBeLessThan(1e-5)
        expect(tf.memory().numTensors).toBe(before)
      })
    }
  }

  it('gives the same when the head may bind only 2 rows at once (row and column blocks of ≤ 2)', async () => {
    const before = tf.memory().numTensors
    for (const options of [{}, { chunkTokens: 4, recompute: true }]) {
      const got = await run(options, LM_HEAD_BLOCK, hiddenData, 2 * embd * 4)
      expect(got.count).toBe(expected.count)
      expect(got.sum).toBeCloseTo(expected.sum, 4)
      expect(maxAbsDiff(got.grad, expected.grad)).toBeLessThan(1e-5)
    }
    expect(tf.memory().numTensors).toBe(before)
  })

  it('stays exact when whole head blocks have probabilities that underflow float32', async () => {
    // Logits up to ±300: exp(l − max) of most columns is below float32's range.
    const sharp = hiddenData.map((v) => v * 80)
    const reference80 = reference(sharp)
    for (const options of [{}, { recompute: true }]) {
      const got = await run(options, 3, sharp)
      expect(Math.abs(got.sum - reference80.sum) / reference80.sum).toBeLessThan(1e-6)
      expect(maxAbsDiff(got.grad, reference80.grad)).toBeLessThan(1e-5)
    }
  })

  it('returns zero with no target token, and rejects labels outside the vocabulary', async () => {
    const hidden = tf.tensor2d(hiddenData, [batch * seqLen, embd])
    const head = createLmHead({ shape: [vocab, embd], data: headData })
    const none = causalLmLoss(hidden, head, new Int32Array(batch * seqLen).fill(-100), batch, seqLen)
    expect(none.count).toBe(0)
    expect((await values(none.lossSum))[0]).toBe(0)
    const bad = Int32Array.from(labels)
    bad[3] = vocab
    expect(() => causalLmLoss(hidden, head, bad, batch, seqLen)).toThrow(/label 7 is outside the vocabulary/)
    disposeLmHead(head, false)
    tf.dispose([hidden, none.lossSum])
  })
})
