// GPT-2 + LoRA against PyTorch (test/fixtures/gpt2-tiny, or GPT2_REF_DIR): base and LoRA logits,
// the masked loss, every LoRA gradient, greedy decoding with the KV cache and right padding, on every backend
// under test (LORA_STUDIO_TEST_BACKENDS: cpu, wasm and webgpu by default).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import { Rng } from '../../../src/engine/generation/rng'
import { causalLmLoss } from '../../../src/engine/model/causal-lm-loss'
import { createGpt2Weights } from '../../../src/engine/model/frozen-weights'
import { Gpt2Model } from '../../../src/engine/model/gpt2-model'
import { LoraAdapter } from '../../../src/engine/model/lora'
import { loraGradients } from '../../../src/engine/model/train-step'
import { greedyCached, greedyUncached } from './decoder-checks'
import { requireFixture } from './fixtures-dir'
import {
  backendsUnderTest,
  floats,
  loadReference,
  maxAbs,
  maxAbsDiff,
  referenceDir,
  toInt32,
  useBackend,
  values
} from './gpt2-reference'
import type { Reference } from './gpt2-reference'

requireFixture(referenceDir)

describe.each(backendsUnderTest)('GPT-2 parity with PyTorch on %s', (backend) => {
  let ref: Reference
  let model: Gpt2Model
  let adapter: LoraAdapter

  beforeAll(async () => {
    await useBackend(backend)
    ref = await loadReference()
    model = Gpt2Model.fromArrays(ref.checkpoint.config, ref.checkpoint.weights)
    adapter = LoraAdapter.create(ref.checkpoint.config, ref.loraConfig, new Rng(0), ref.initLora)
  })

  afterAll(() => {
    model.dispose()
    adapter.dispose()
  })

  const tokens = () => ({ inputIds: ref.inputIds, batch: ref.batch, seqLen: ref.seqLen })

  async function logitsOf(lora: LoraAdapter | null): Promise<Float32Array> {
    model.lora = lora
    const logits = tf.tidy(() => model.logits(model.hiddenStates(tokens(), { train: false })))
    const data = await values(logits)
    logits.dispose()
    return data
  }

  it('gives the base model logits', async () => {
    const diff = maxAbsDiff(await logitsOf(null), floats(ref, 'base_logits'))
    expect(diff).toBeLessThanOrEqual(ref.settings.tolerance.logits_abs)
  })

  it('gives the logits and the masked loss with the LoRA weights applied', async () => {
    const diff = maxAbsDiff(await logitsOf(adapter), floats(ref, 'logits'))
    expect(diff).toBeLessThanOrEqual(ref.settings.tolerance.logits_abs)
    model.lora = adapter
    const hidden = model.hiddenStates(tokens(), { train: false })
    const { lossSum, count } = causalLmLoss(hidden, model.weights.lmHead, ref.labels, ref.batch, ref.seqLen)
    const loss = (await lossSum.data())[0] / count
    tf.dispose([hidden, lossSum])
    expect(Math.abs(loss - ref.settings.loss)).toBeLessThanOrEqual(ref.settings.tolerance.loss_abs)
  })

  it('gives every LoRA gradient, and leaks no tensor across steps', async () => {
    model.lora = adapter
    const batch = { ...tokens(), labels: ref.labels }
    const before = tf.memory().numTensors
    for (let round = 0; round < 2; round++) {
      const { lossSum, targetTokens, grads } = await loraGradients(model, batch)
      expect(Math.abs(lossSum / targetTokens - ref.settings.loss)).toBeLessThanOrEqual(
        ref.settings.tolerance.loss_abs
      )
      const names = adapter.parameterNames()
      for (let i = 0; i < grads.length; i++) {
        const expected = floats(ref, `grad.${names[i]}`)
        const rel = maxAbsDiff(await values(grads[i]), expected) / maxAbs(expected)
        expect(rel, names[i]).toBeLessThanOrEqual(ref.settings.tolerance.grad_rel_to_max)
      }
      tf.dispose(grads)
      expect(tf.memory().numTensors).toBe(before)
    }
  })

  it('decodes greedily with the KV cache as PyTorch does, and the same without the cache', async () => {
    model.lora = null
    const prompt = Array.from(toInt32(ref.tensors.get('greedy_prompt')!))
    const expected = Array.from(toInt32(ref.tensors.get('greedy_ids')!))
    expect(await greedyCached(model, prompt, expected.length)).toEqual(expected)
    expect(await greedyUncached(model, prompt, expected.length)).toEqual(expected)
  })
})

describe.each(backendsUnderTest)('attention mask for right-padded batches on %s', (backend) => {
  let model: Gpt2Model

  beforeAll(async () => {
    await useBackend(backend)
    const ref = await loadReference()
    model = Gpt2Model.fromArrays(ref.checkpoint.config, ref.checkpoint.weights)
  })

  afterAll(() => model.dispose())

  async function hidden(ids: number[], mask: number[] | null): Promise<Float32Array> {
    const t = model.hiddenStates(
      {
        inputIds: Int32Array.from(ids),
        batch: 1,
        seqLen: ids.length,
        attentionMask: mask === null ? null : Int32Array.from(mask)
      },
      { train: false }
    )
    const data = Float32Array.from(await values(t))
    t.dispose()
    return data
  }

  it('hides padded keys from every query and leaves the real tokens as without padding', async () => {
    const embd = model.config.nEmbd
    const real = [11, 22, 33, 44]
    const mask = [1, 1, 1, 1, 0, 0]
    const a = await hidden([...real, 5, 6], mask)
    const b = await hidden([...real, 900, 6], mask)
    const last = (h: Float32Array) => h.subarray(5 * embd, 6 * embd)
    expect(maxAbsDiff(last(a), last(b))).toBeLessThan(1e-6)
    const unmaskedA = await hidden([...real, 5, 6], null)
    const unmaskedB = await hidden([...real, 900, 6], null)
    expect(maxAbsDiff(last(unmaskedA), last(unmaskedB))).toBeGreaterThan(1e-3)
    const alone = await hidden(real, null)
    expect(maxAbsDiff(a.subarray(0, 4 * embd), alone)).toBeLessThan(1e-5)
  })
})

// wte (1000 × 64) is 250 KiB: a 64 KiB binding limit splits it and the LM head into 4 blocks, as 128 MiB splits
// GPT-2-small's 154 MB wte into 2 on lavapipe; c_fc (64 × 256) just fits, and smaller limits refuse it.
describe.each(backendsUnderTest)('GPT-2 with wte split to a binding limit on %s', (backend) => {
  let ref: Reference
  let model: Gpt2Model
  let adapter: LoraAdapter

  beforeAll(async () => {
    await useBackend(backend)
    ref = await loadReference()
    adapter = LoraAdapter.create(ref.checkpoint.config, ref.loraConfig, new Rng(0), ref.initLora)
    model = new Gpt2Model(
      ref.checkpoint.config,
      createGpt2Weights(ref.checkpoint.config, ref.checkpoint.weights, 64 * 1024),
      adapter
    )
  })

  afterAll(() => {
    model.dispose()
    adapter.dispose()
  })

  it("gives PyTorch's LoRA logits and gradients with the embedding and head in 4 blocks", async () => {
    expect(model.weights.wte.blocks.map((b) => b.shape[0])).toEqual([256, 256, 256, 232])
    expect(model.weights.lmHead.rows).toBe(model.weights.wte)
    expect(model.weights.lmHead.wTBlocks.map((b) => b.shape[1])).toEqual([250, 250, 250, 250])
    const tokens = { inputIds: ref.inputIds, batch: ref.batch, seqLen: ref.seqLen }
    const logits = tf.tidy(() => model.logits(model.hiddenStates(tokens, { train: false })))
    expect(maxAbsDiff(await values(logits), floats(ref, 'logits'))).toBeLessThanOrEqual(
      ref.settings.tolerance.logits_abs
    )
    logits.dispose()
    const { lossSum, targetTokens, grads } = await loraGradients(model, { ...tokens, labels: ref.labels })
    expect(Math.abs(lossSum / targetTokens - ref.settings.loss)).toBeLessThanOrEqual(
      ref.settings.tolerance.loss_abs
    )
    const names = adapter.parameterNames()
    for (let i = 0; i < grads.length; i++) {
      const expected = floats(ref, `grad.${names[i]}`)
      const rel = maxAbsDiff(await values(grads[i]), expected) / maxAbs(expected)
      expect(rel, names[i]).toBeLessThanOrEqual(ref.settings.tolerance.grad_rel_to_max)
    }
    tf.dispose(grads)
  })

  it('refuses a weight larger than the limit, naming it and both sizes, and leaves no tensor behind', () => {
    const before = tf.memory().numTensors
    expect(() => createGpt2Weights(ref.checkpoint.config, ref.checkpoint.weights, 40 * 1024)).toThrow(
      'weight "h.0.attn.c_attn.weight" is 0.05 MiB, more than the GPU can bind in one shader (0.04 MiB); ' +
        "this model is too large for this GPU's WebGPU limits — use a smaller model or another backend"
    )
    expect(tf.memory().numTensors).toBe(before)
    expect(() => createGpt2Weights(ref.checkpoint.config, ref.checkpoint.weights, 60 * 1024)).toThrow(
      'weight "h.0.mlp.c_fc.weight" is 0.06 MiB, more than the GPU can bind in one shader (0.06 MiB)'
    )
  })
})
