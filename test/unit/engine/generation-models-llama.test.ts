// Chat's model cache on a Llama-family model: a tiny random Qwen3 with Qwen3's tokenizer and a PEFT
// adapter on q_proj/v_proj. Greedy decoding through the KV cache equals argmax over full forward passes
// of the same model with the same adapter, and the adapter changes what it says.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadDecoderFolder } from '../../../src/engine/formats/decoder-folder'
import { generate } from '../../../src/engine/generation/generate'
import { DEFAULT_GENERATION_OPTIONS } from '../../../src/engine/generation/generation-options'
import { GenerationModels } from '../../../src/engine/generation/generation-models'
import { Rng } from '../../../src/engine/generation/rng'
import { createDecoderModel } from '../../../src/engine/model/create-decoder'
import { LoraAdapter, type LoraWeightArrays } from '../../../src/engine/model/lora'
import { toLoraConfig } from '../../../src/engine/training/lora-settings'
import type { LoraSettingsConfig } from '../../../src/shared/runs'
import { backendsUnderTest, useBackend } from './gpt2-reference'
import { writeRandomAdapter, writeTinyQwen3 } from './tiny-qwen3'

const work = mkdtempSync(join(tmpdir(), 'generation-llama-'))
const modelDir = join(work, 'qwen3')
const adapterDir = join(work, 'adapter')
const settings: LoraSettingsConfig = {
  r: 4,
  alpha: 8,
  dropout: 0,
  targetModules: ['q_proj', 'v_proj'],
  rsLora: false
}
const NEW_TOKENS = 6
let modules: Map<string, LoraWeightArrays>

beforeAll(async () => {
  await writeTinyQwen3(modelDir, 11)
  modules = await writeRandomAdapter(modelDir, adapterDir, settings, 5)
})

afterAll(() => rmSync(work, { recursive: true, force: true }))

/** Greedy ids by a full forward pass per token (no KV cache). */
async function argmaxLoop(prompt: number[], withAdapter: boolean): Promise<number[]> {
  const { config, weights } = await loadDecoderFolder(modelDir)
  const lora = withAdapter ? LoraAdapter.create(config, toLoraConfig(settings), new Rng(0), modules) : null
  const model = createDecoderModel(config, weights, lora)
  const ids = [...prompt]
  for (let i = 0; i < NEW_TOKENS; i++) {
    const next = tf.tidy(() => {
      const tokens = { inputIds: Int32Array.from(ids), batch: 1, seqLen: ids.length }
      const hidden = model.hiddenStates(tokens, { train: false })
      const last = tf.slice(hidden, [ids.length - 1, 0], [1, hidden.shape[1]])
      return tf.argMax(model.logits(last), 1)
    })
    ids.push((await next.data())[0])
    next.dispose()
  }
  model.dispose()
  lora?.dispose()
  return ids.slice(prompt.length)
}

describe.each(backendsUnderTest)('chat models on a tiny Qwen3 (%s)', (backend) => {
  it('decodes greedily with its tokenizer and adapter as full forward passes do', async () => {
    await useBackend(backend)
    const models = new GenerationModels()
    try {
      const options = {
        ...DEFAULT_GENERATION_OPTIONS,
        doSample: false,
        eosTokenId: null,
        maxNewTokens: NEW_TOKENS
      }
      const tuned = await models.use(modelDir, adapterDir)
      const prompt = tuned.tokenizer.encode(
        '<|im_start|>user\n你好, Qwen!<|im_end|>\n<|im_start|>assistant\n'
      )
      expect(prompt[0]).toBe(151644)
      const hooks = { decodeBytes: (ids: number[]) => new Uint8Array(ids.length) }
      const withAdapter = await generate(tuned.lm, prompt, options, hooks)
      expect(withAdapter.ids).toEqual(await argmaxLoop(prompt, true))
      const plain = await generate((await models.use(modelDir, null)).lm, prompt, options, hooks)
      expect(plain.ids).toEqual(await argmaxLoop(prompt, false))
      expect(plain.ids).not.toEqual(withAdapter.ids)
    } finally {
      models.dispose()
    }
  })
})
