// GPT-2 + LoRA against PyTorch (../shared/fixtures/gpt2-tiny, or GPT2_REF_DIR): base and LoRA logits,
// the masked loss, every LoRA gradient, greedy decoding with the KV cache and right padding, on every backend
// under test (LORA_STUDIO_TEST_BACKENDS: cpu, wasm and webgpu by default).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import { Rng } from '../../../src/engine/generation/rng'
import { causalLmLoss } from '../../../src/engine/model/causal-lm-loss'
import { Gpt2CausalLm } from '../../../src/engine/model/gpt2-decoder'
import { Gpt2Model } from '../../../src/engine/model/gpt2-model'
import { LoraAdapter } from '../../../src/engine/model/lora'
import { loraGradients } from '../../../src/engine/model/train-step'
import { fixtureMissing } from './fixtures-dir'
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

const missing = fixtureMissing(referenceDir)

function argmax(row: Float32Array): number {
  let best = 0
  for (let i = 1; i < row.length; i++) if (row[i] > row[best]) best = i
  return best
}

describe.skipIf(missing).each(backendsUnderTest)('GPT-2 parity with PyTorch on %s', (backend) => {
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
    const before = tf.memory().numTensors
    const session = new Gpt2CausalLm(model).startSession()
    const cached: number[] = []
    let logits = await session.append(prompt)
    while (cached.length < expected.length) {
      cached.push(argmax(logits))
      if (cached.length < expected.length) logits = await session.append([cached[cached.length - 1]])
    }
    expect(session.length).toBe(prompt.length + expected.length - 1)
    session.dispose()
    expect(tf.memory().numTensors).toBe(before)
    expect(cached).toEqual(expected)

    const uncached: number[] = []
    const ids = [...prompt]
    while (uncached.length < expected.length) {
      const last = tf.tidy(() => {
        const hidden = model.hiddenStates(
          { inputIds: Int32Array.from(ids), batch: 1, seqLen: ids.length },
          { train: false }
        )
        return model.logits(tf.slice(hidden, [ids.length - 1, 0], [1, hidden.shape[1]]))
      })
      const next = argmax(await values(last))
      last.dispose()
      uncached.push(next)
      ids.push(next)
    }
    expect(uncached).toEqual(expected)
  })
})

describe.skipIf(missing).each(backendsUnderTest)(
  'attention mask for right-padded batches on %s',
  (backend) => {
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
  }
)
