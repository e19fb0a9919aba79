// The decode session's blocked KV cache (settled part + open block) against full forward passes on a small
// random GPT-2: the same logits whatever the block size, across block folds and multi-token appends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../src/engine/backend'
import { checkCachedAgainstFull, randomWeightArrays } from './decoder-checks'
import { backendsUnderTest } from './gpt2-reference'
import { gpt2WeightShapes } from '../../../src/engine/formats/gpt2-weights'
import { parseGpt2Config } from '../../../src/engine/formats/hf-config'
import { DecoderCausalLm } from '../../../src/engine/model/decoder-session'
import { Gpt2Model } from '../../../src/engine/model/gpt2-model'

const config = parseGpt2Config(
  { vocab_size: 97, n_positions: 64, n_embd: 32, n_layer: 2, n_head: 4, bos_token_id: 96, eos_token_id: 96 },
  'test config'
)

describe.each(backendsUnderTest)('GPT-2 KV cache in blocks (%s)', (backend) => {
  let model: Gpt2Model
  const ids = Array.from({ length: 40 }, (_, i) => (i * 37 + 5) % config.vocabSize)

  beforeAll(async () => {
    await initBackend(backend)
    model = Gpt2Model.fromArrays(
      config,
      randomWeightArrays(gpt2WeightShapes(config), 11, (key) => /\.ln_\d\.weight$|^ln_f\.weight$/.test(key))
    )
  })
  afterAll(() => model.dispose())

  it.each([1, 4, 7, 64])('matches full passes with open blocks of %i positions', async (cacheBlock) => {
    // A 3-token prompt, single tokens up to 20, a 6-token append that crosses block boundaries, then singles.
    const chunks = [ids.slice(0, 3), ...ids.slice(3, 20).map((id) => [id]), ids.slice(20, 26)]
    chunks.push(...ids.slice(26).map((id) => [id]))
    await checkCachedAgainstFull(model, chunks, cacheBlock, 1e-4)
  })

  it('refuses a block size that is not a whole number ≥ 1', () => {
    expect(() => new DecoderCausalLm(model, { cacheBlock: 0 })).toThrow(/cacheBlock must be a whole number/)
  })
})
