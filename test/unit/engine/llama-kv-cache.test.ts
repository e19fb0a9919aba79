// The grouped-query KV cache on a small random Qwen2-shaped model with Qwen2.5-0.5B's 14 query heads over
// 2 key/value heads: the cache holds the key/value heads only (its live bytes after a full context equal
// the inference estimate's KV part), and decoding with it gives the full forward pass's logits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import { parseLlamaConfig } from '../../../src/engine/formats/llama-config'
import { llamaWeightShapes } from '../../../src/engine/formats/llama-weights'
import { DecoderCausalLm } from '../../../src/engine/model/decoder-session'
import { createLlamaWeights } from '../../../src/engine/model/llama-frozen-weights'
import { LlamaModel } from '../../../src/engine/model/llama-model'
import { estimateInferenceMemory } from '../../../src/engine/training/memory-estimate'
import { checkCachedAgainstFull, randomWeightArrays } from './decoder-checks'
import { backendsUnderTest, useBackend } from './gpt2-reference'

const config = parseLlamaConfig(
  {
    model_type: 'qwen2',
    hidden_size: 112,
    intermediate_size: 96,
    num_hidden_layers: 2,
    num_attention_heads: 14,
    num_key_value_heads: 2,
    vocab_size: 97,
    max_position_embeddings: 24,
    rms_norm_eps: 1e-6,
    rope_theta: 10000,
    tie_word_embeddings: true
  },
  'test config'
)

describe.each(backendsUnderTest)('grouped-query KV cache, 14 query heads over 2 (%s)', (backend) => {
  let model: LlamaModel
  const ids = Array.from({ length: config.maxPositionEmbeddings }, (_, i) => (i * 31 + 3) % config.vocabSize)

  beforeAll(async () => {
    await useBackend(backend)
    model = new LlamaModel(
      config,
      createLlamaWeights(
        config,
        randomWeightArrays(llamaWeightShapes(config), 5, (key) => key.endsWith('norm.weight'))
      )
    )
  })
  afterAll(() => model.dispose())

  it('keeps 2 key/value heads per layer: the live cache after the whole context is the estimate’s KV part', async () => {
    const before = tf.memory().numBytes
    // A 5-token prompt, then single tokens: blocks of 4 fold into the settled part along the way.
    const session = new DecoderCausalLm(model, { cacheBlock: 4 }).startSession()
    await session.append(ids.slice(0, 5))
    for (const id of ids.slice(5)) await session.append([id])
    expect(session.length).toBe(config.maxPositionEmbeddings)
    const cacheBytes = tf.memory().numBytes - before
    // keys and values × 2 layers × 24 positions × 2 heads × head_dim 8 × 4 bytes (7× less than 14 heads).
    expect(cacheBytes).toBe(2 * 2 * 24 * 2 * 8 * 4)
    const estimate = estimateInferenceMemory(config, { backend })
    expect(estimate.components.find((c) => c.key === 'kvCache')?.bytes).toBe(cacheBytes)
    session.dispose()
    expect(tf.memory().numBytes).toBe(before)
  })

  it('decodes with the cache to the full forward pass’s logits, across block folds and multi-token appends', async () => {
    const chunks = [ids.slice(0, 3), ...ids.slice(3, 9).map((id) => [id]), ids.slice(9, 15)]
    chunks.push(...ids.slice(15).map((id) => [id]))
    await checkCachedAgainstFull(model, chunks, 4, 1e-5)
  })
})
