// The causal-LM loss against a direct float64 computation: shift, -100 ignored, sum and count, its
// hand-written gradient, and the same numbers whatever the chunk size or recomputation, on cpu and wasm.
import { beforeAll, describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import { Rng } from '../../../src/engine/generation/rng'
import { causalLmLoss, shiftedTargets } from '../../../src/engine/model/causal-lm-loss'
import type { LossOptions } from '../../../src/engine/model/causal-lm-loss'
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
function reference(): { sum: number; count: number; grad: Float64Array } {
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
  const expected = reference()

  function run(options: LossOptions): { sum: number; count: number; grad: Float32Array } {
    const hidden = tf.tensor2d(hiddenData, [batch * seqLen, embd])
    const w = tf.tensor2d(headData, [vocab, embd])
    const head = { w, wT: tf.transpose(w) }
    let count = 0
    let sum = 0
    const grad = tf.grad((h: tf.Tensor) => {
      const out = causalLmLoss(h as tf.Tensor2D, head, labels, batch, seqLen, options)
      count = out.count
      sum = out.lossSum.dataSync()[0]
      return out.lossSum
    })(hidden)
    const data = Float32Array.from(grad.dataSync())
    tf.dispose([hidden, w, head.wT, grad])
    return { sum, count, grad: data }
  }

  for (const options of [
    {},
    { chunkTokens: 4 },
    { chunkTokens: 1, recompute: true },
    { chunkTokens: 4, recompute: true }
  ]) {
    it(`gives the summed loss, the count and the gradient with ${JSON.stringify(options)}`, () => {
      const before = tf.memory().numTensors
      const got = run(options)
      expect(got.count).toBe(expected.count)
      expect(got.sum).toBeCloseTo(expected.sum, 4)
      expect(maxAbsDiff(got.grad, expected.grad)).toBeLessThan(1e-5)
      expect(tf.memory().numTensors).toBe(before)
    })
  }

  it('returns zero with no target token, and rejects labels outside the vocabulary', async () => {
    const hidden = tf.tensor2d(hiddenData, [batch * seqLen, embd])
    const w = tf.tensor2d(headData, [vocab, embd])
    const head = { w, wT: tf.transpose(w) }
    const none = causalLmLoss(hidden, head, new Int32Array(batch * seqLen).fill(-100), batch, seqLen)
    expect(none.count).toBe(0)
    expect((await values(none.lossSum))[0]).toBe(0)
    const bad = Int32Array.from(labels)
    bad[3] = vocab
    expect(() => causalLmLoss(hidden, head, bad, batch, seqLen)).toThrow(/label 7 is outside the vocabulary/)
    tf.dispose([hidden, w, head.wT, none.lossSum])
  })
})
