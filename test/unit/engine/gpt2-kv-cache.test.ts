// The decode session's blocked KV cache (settled part + open block) against full forward passes on a small
// random GPT-2: the same logits whatever the block size, across block folds and multi-token appends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import { initBackend } from '../../../src/engine/backend'
import { backendsUnderTest } from './gpt2-reference'
import { gpt2WeightShapes } from '../../../src/engine/formats/gpt2-weights'
import { parseGpt2Config } from '../../../src/engine/formats/hf-config'
import { Rng } from '../../../src/engine/generation/rng'
import type { WeightArray } from '../../../src/engine/model/frozen-weights'
import { DecoderCausalLm } from '../../../src/engine/model/decoder-session'
import { Gpt2Model } from '../../../src/engine/model/gpt2-model'

const config = parseGpt2Config(
  { vocab_size: 97, n_positions: 64, n_embd: 32, n_layer: 2, n_head: 4, bos_token_id: 96, eos_token_id: 96 },
  'test config'
)

function randomWeights(): Map<string, WeightArray> {
  const rng = new Rng(11)
  const out = new Map<string, WeightArray>()
  for (const [key, shape] of gpt2WeightShapes(config)) {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1))
    const ln = /\.ln_\d\.weight$|^ln_f\.weight$/.test(key)
    for (let i = 0; i < data.length; i++) data[i] = (ln ? 1 : 0) + (rng.nextFloat() - 0.5) * 0.4
    out.set(key, { shape, data })
  }
  return out
}

describe.each(backendsUnderTest)('GPT-2 KV cache in blocks (%s)', (backend) => {
  let model: Gpt2Model
  const ids = Array.from({ length: 40 }, (_, i) => (i * 37 + 5) % config.vocabSize)

  beforeAll(async () => {
    await initBackend(backend)
    model = Gpt2Model.fromArrays(config, randomWeights())
  })
  afterAll(() => model.dispose())

  /** Logits of the last token of ids[0..length) from one full forward pass. */
  async function fullLogits(length: number): Promise<Float32Array> {
    const t = tf.tidy(() => {
      const hidden = model.hiddenStates(
        { inputIds: Int32Array.from(ids.slice(0, length)), batch: 1, seqLen: length },
        { train: false }
      )
      return model.logits(tf.slice(hidden, [length - 1, 0], [1, config.nEmbd]))
    })
    const out = Float32Array.from(await t.data())
    t.dispose()
    return out
  }

  function maxAbsDiff(a: Float32Array, b: Float32Array): number {
    let m = 0
    for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]))
    return m
  }

  it.each([1, 4, 7, 64])('matches full passes with open blocks of %i positions', async (cacheBlock) => {
    const before = tf.memory().numTensors
    const session = new DecoderCausalLm(model, { cacheBlock }).startSession()
    // A 3-token prompt, single tokens up to 20, a 6-token append that crosses block boundaries, then singles.
    const chunks = [ids.slice(0, 3), ...ids.slice(3, 20).map((id) => [id]), ids.slice(20, 26)]
    chunks.push(...ids.slice(26).map((id) => [id]))
    let fed = 0
    for (const chunk of chunks) {
      const logits = await session.append(chunk)
      fed += chunk.length
      expect(maxAbsDiff(logits, await fullLogits(fed)), `after ${fed} tokens`).toBeLessThan(1e-4)
    }
    expect(session.length).toBe(ids.length)
    session.dispose()
    expect(tf.memory().numTensors).toBe(before)
  })

  it('refuses a block size that is not a whole number ≥ 1', () => {
    expect(() => new DecoderCausalLm(model, { cacheBlock: 0 })).toThrow(/cacheBlock must be a whole number/)
  })
})
