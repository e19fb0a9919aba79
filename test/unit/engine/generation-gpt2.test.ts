// generate() driving the real GPT-2 decode session on test/fixtures/gpt2-tiny (or GPT2_REF_DIR):
// greedy output equals PyTorch's greedy_ids, sampling is reproducible, and no tensor outlives a call.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import { generate } from '../../../src/engine/generation/generate'
import {
  DEFAULT_GENERATION_OPTIONS,
  type GenerationOptions
} from '../../../src/engine/generation/generation-options'
import { DecoderCausalLm } from '../../../src/engine/model/decoder-session'
import { Gpt2Model } from '../../../src/engine/model/gpt2-model'
import { requireFixture } from './fixtures-dir'
import { backendsUnderTest, loadReference, referenceDir, toInt32, useBackend } from './gpt2-reference'

requireFixture(referenceDir)
const decodeBytes = (ids: number[]): Uint8Array =>
  new TextEncoder().encode(ids.map((id) => `<${id}>`).join(''))

describe.each(backendsUnderTest)('generate on GPT-2 (%s)', (backend) => {
  let model: Gpt2Model
  let prompt: number[]
  let expected: number[]

  beforeAll(async () => {
    await useBackend(backend)
    const ref = await loadReference()
    model = Gpt2Model.fromArrays(ref.checkpoint.config, ref.checkpoint.weights)
    const promptEntry = ref.tensors.get('greedy_prompt')
    const idsEntry = ref.tensors.get('greedy_ids')
    if (promptEntry === undefined || idsEntry === undefined) {
      throw new Error(
        `${referenceDir}/reference.safetensors lacks greedy_prompt/greedy_ids; remake it with ref_gpt2.py`
      )
    }
    prompt = Array.from(toInt32(promptEntry))
    expected = Array.from(toInt32(idsEntry))
  })

  afterAll(() => model.dispose())

  const options = (over: Partial<GenerationOptions>): GenerationOptions => ({
    ...DEFAULT_GENERATION_OPTIONS,
    eosTokenId: null,
    maxNewTokens: expected.length,
    ...over
  })

  it('reproduces PyTorch greedy_ids, streaming every token, without leaking tensors', async () => {
    const before = tf.memory().numTensors
    const streamed: number[] = []
    const result = await generate(new DecoderCausalLm(model), prompt, options({ doSample: false }), {
      decodeBytes,
      onToken: (id) => streamed.push(id)
    })
    expect(result.ids).toEqual(expected)
    expect(streamed).toEqual(expected)
    expect(result).toMatchObject({
      finishReason: 'length',
      promptTokens: prompt.length,
      newTokens: expected.length
    })
    expect(result.text).toBe(expected.map((id) => `<${id}>`).join(''))
    expect(tf.memory().numTensors).toBe(before)
  })

  it('samples the same ids for the same seed, and frees the cache when cancelled', async () => {
    const sampling = options({ temperature: 0.8, topK: 40, topP: 0.9, repetitionPenalty: 1.2, seed: 17 })
    const lm = new DecoderCausalLm(model)
    const a = await generate(lm, prompt, sampling, { decodeBytes })
    const b = await generate(lm, prompt, sampling, { decodeBytes })
    expect(b.ids).toEqual(a.ids)
    expect(a.ids).toHaveLength(expected.length)

    const before = tf.memory().numTensors
    const controller = new AbortController()
    const cancelled = await generate(lm, prompt, sampling, {
      decodeBytes,
      signal: controller.signal,
      onToken: () => controller.abort()
    })
    expect(cancelled).toMatchObject({ ids: a.ids.slice(0, 1), finishReason: 'cancelled' })
    expect(tf.memory().numTensors).toBe(before)
  })
})
