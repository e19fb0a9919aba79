// The model's hand-written activation and dropout gradients against float64 derivatives, on cpu and
// wasm (the LoRA, attention, LayerNorm and loss gradients are checked against PyTorch in gpt2-parity).
import { beforeAll, describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import { activationFor } from '../../../src/engine/model/activation'
import {
  causalDropoutMask,
  dropout,
  dropoutMasks,
  rowDropoutMask
} from '../../../src/engine/model/dropout-mask'
import { Rng } from '../../../src/engine/generation/rng'
import { backendsUnderTest, maxAbsDiff, useBackend } from './gpt2-reference'

const xs = [-3, -1.5, -0.2, 0, 0.3, 1, 2.5, 4]
const c = Math.sqrt(2 / Math.PI)
const gelu = (x: number) => 0.5 * x * (1 + Math.tanh(c * (x + 0.044715 * x ** 3)))
const geluGrad = (x: number) => (gelu(x + 1e-6) - gelu(x - 1e-6)) / 2e-6
/** The analytic derivative in float64: 0.5(1 + t) + 0.5·x·(1 − t²)·c·(1 + 3·0.044715·x²). */
const geluGradOf = (x: number) => {
  const t = Math.tanh(c * (x + 0.044715 * x ** 3))
  return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * c * (1 + 3 * 0.044715 * x * x)
}

describe.each(backendsUnderTest)('model ops on %s', (backend) => {
  beforeAll(() => useBackend(backend))

  async function valueAndGrad(
    f: (x: tf.Tensor2D) => tf.Tensor2D
  ): Promise<{ y: Float32Array; dx: Float32Array }> {
    const x = tf.tensor2d(xs, [2, 4])
    const y = f(x)
    const dx = tf.grad((t: tf.Tensor) => f(t as tf.Tensor2D))(x)
    const out = { y: Float32Array.from(await y.data()), dx: Float32Array.from(await dx.data()) }
    tf.dispose([x, y, dx])
    return out
  }

  it('gelu_new matches HF’s formula and its derivative', async () => {
    const { y, dx } = await valueAndGrad(activationFor('gelu_new'))
    expect(maxAbsDiff(y, xs.map(gelu))).toBeLessThan(1e-6)
    expect(maxAbsDiff(dx, xs.map(geluGrad))).toBeLessThan(1e-5)
  })

  it('gelu_new stays within float32 rounding of HF’s formula over [-12, 12], where σ or tanh saturate', async () => {
    const dense = Array.from({ length: 2401 }, (_, i) => Math.fround(-12 + i * 0.01))
    const x = tf.tensor2d(dense, [49, 49])
    const geluNew = activationFor('gelu_new')
    const y = geluNew(x)
    const dx = tf.grad((t: tf.Tensor) => geluNew(t as tf.Tensor2D))(x)
    const yErr = maxAbsDiff(Float32Array.from(await y.data()), dense.map(gelu))
    const dxErr = maxAbsDiff(Float32Array.from(await dx.data()), dense.map(geluGradOf))
    tf.dispose([x, y, dx])
    expect(yErr).toBeLessThan(1e-6)
    expect(dxErr).toBeLessThan(2e-6)
  })

  it('relu passes the gradient where the input is positive', async () => {
    const { y, dx } = await valueAndGrad(activationFor('relu'))
    expect(Array.from(y)).toEqual(Array.from(Float32Array.from(xs, (x) => Math.max(0, x))))
    expect(Array.from(dx)).toEqual(xs.map((x) => (x > 0 ? 1 : 0)))
  })

  it('refuses activations it does not implement, naming the supported ones', () => {
    expect(() => activationFor('silu')).toThrow(/gelu_new/)
  })

  it('dropout zeroes about p of the values, scales the rest by 1/(1−p), and routes the gradient the same way', async () => {
    const x = tf.ones([100, 100]) as tf.Tensor2D
    const y = dropout(x, 0.25, dropoutMasks([3, 4]), 'drop')
    const dx = tf.grad((t: tf.Tensor) => dropout(t as tf.Tensor2D, 0.25, dropoutMasks([3, 4]), 'drop'))(x)
    const values = await y.data()
    const zeros = values.filter((v) => v === 0).length / values.length
    expect(zeros).toBeGreaterThan(0.22)
    expect(zeros).toBeLessThan(0.28)
    expect(values.every((v) => v === 0 || Math.abs(v - 1 / 0.75) < 1e-6)).toBe(true)
    expect(Array.from(await dx.data())).toEqual(Array.from(values))
    expect(dropout(x, 0.25, null, 'drop')).toBe(x)
    tf.dispose([x, y, dx])
  })

  it("draws each batch row's dropout from that row's seed, whatever rows share the pass", async () => {
    const width = 6
    const pair = await rowDropoutMask([2 * 5, width], 0.5, dropoutMasks([11, 12]), 'drop').data()
    const alone = await rowDropoutMask([5, width], 0.5, dropoutMasks([12]), 'drop').data()
    expect(Array.from(pair.slice(5 * width))).toEqual(Array.from(alone))
    expect(Array.from(pair.slice(0, 5 * width))).not.toEqual(Array.from(alone))
    // padding the row to 7 positions leaves its first 5 positions' masks as they were
    const padded = await rowDropoutMask([7, width], 0.5, dropoutMasks([12]), 'drop').data()
    expect(Array.from(padded.slice(0, 5 * width))).toEqual(Array.from(alone))
    expect(() => rowDropoutMask([7, width], 0.5, dropoutMasks([1, 2]), 'drop')).toThrow(/do not split into 2/)
  })

  it('draws causal attention masks query by query, so a longer padded sequence keeps the same values', async () => {
    const short = await causalDropoutMask(5, 0.5, new Rng(8)).array()
    const long = await causalDropoutMask(7, 0.5, new Rng(8)).array()
    expect(long.slice(0, 5).map((row) => row.slice(0, 5))).toEqual(short)
    const flat = short.flat()
    expect(short.every((row, i) => row.slice(i + 1).every((v) => v === 0))).toBe(true)
    expect(flat.filter((v) => v === 2).length).toBeGreaterThan(0)
    expect(flat.every((v) => v === 0 || v === 2)).toBe(true)
  })
})
