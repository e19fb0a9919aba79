// Llama, Qwen2 and Qwen3 + LoRA against PyTorch (test/fixtures/{llama,qwen2,qwen3}-tiny, or the one folder
// LLAMA_REF_DIR names; tools/pytorch/ref_llama.py makes them): base and LoRA logits, the masked loss, every
// LoRA gradient (also with recomputed layers), right padding, greedy decoding with and without the KV cache,
// and AdamW steps, on every backend under test (LORA_STUDIO_TEST_BACKENDS: cpu, wasm and webgpu by default).
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import { loadLlamaModelFolder } from '../../../src/engine/formats/llama-model-folder'
import type { LoadedLlamaCheckpoint } from '../../../src/engine/formats/llama-model-folder'
import { Rng } from '../../../src/engine/generation/rng'
import { causalLmLoss } from '../../../src/engine/model/causal-lm-loss'
import { createLlamaWeights } from '../../../src/engine/model/llama-frozen-weights'
import { LlamaModel } from '../../../src/engine/model/llama-model'
import { LoraAdapter } from '../../../src/engine/model/lora'
import { loraGradients } from '../../../src/engine/model/train-step'
import type { StepOptions } from '../../../src/engine/model/train-step'
import { adamwSteps, greedyCached, greedyUncached } from './decoder-checks'
import { fixturesDir, requireFixture } from './fixtures-dir'
import {
  backendsUnderTest,
  floats,
  loadReferenceTensors,
  maxAbs,
  maxAbsDiff,
  toInt32,
  useBackend,
  values
} from './gpt2-reference'
import type { ReferenceTensors } from './gpt2-reference'

const folders = process.env.LLAMA_REF_DIR
  ? [resolve(process.env.LLAMA_REF_DIR)]
  : ['llama-tiny', 'qwen2-tiny', 'qwen3-tiny'].map((name) => join(fixturesDir, name))
for (const folder of folders) requireFixture(join(folder, 'reference.json'))

/** LLAMA_PARITY_REPORT=1 prints the largest differences (for reports); the assertions never depend on it. */
function report(what: string, value: number): void {
  if (process.env.LLAMA_PARITY_REPORT) console.info(`parity ${what}: ${value.toExponential(2)}`)
}

const cases = backendsUnderTest.flatMap((backend) => folders.map((folder) => [backend, folder] as const))

describe.each(cases)('Llama-family parity with PyTorch on %s, %s', (backend, folder) => {
  let ref: ReferenceTensors & { arch: string }
  let checkpoint: LoadedLlamaCheckpoint
  let model: LlamaModel
  let adapter: LoraAdapter
  const tag = (what: string) => `${backend} ${folder.split('/').pop()} ${what}`

  beforeAll(async () => {
    await useBackend(backend)
    const tensors = await loadReferenceTensors(folder)
    ref = { ...tensors, arch: (tensors.settings as unknown as { arch: string }).arch }
    checkpoint = await loadLlamaModelFolder(join(folder, 'model'))
    model = new LlamaModel(checkpoint.config, createLlamaWeights(checkpoint.config, checkpoint.weights))
    adapter = LoraAdapter.create(checkpoint.config, ref.loraConfig, new Rng(0), ref.initLora)
  })

  afterAll(() => {
    model.dispose()
    adapter.dispose()
  })

  const tokens = () => ({ inputIds: ref.inputIds, batch: ref.batch, seqLen: ref.seqLen })
  const trainBatch = () => ({ ...tokens(), labels: ref.labels })

  async function logitsOf(lora: LoraAdapter | null): Promise<Float32Array> {
    model.lora = lora
    const logits = tf.tidy(() => model.logits(model.hiddenStates(tokens(), { train: false })))
    const data = Float32Array.from(await values(logits))
    logits.dispose()
    return data
  }

  it('reads the family reference.json names, and targets every module it trained', () => {
    expect(checkpoint.config.modelType).toBe(ref.arch)
    expect(adapter.parameterNames().length).toBe(ref.initLora.size * 2)
    expect([...adapter.modules.keys()].sort()).toEqual([...ref.initLora.keys()].sort())
  })

  it('gives the base model logits', async () => {
    const diff = maxAbsDiff(await logitsOf(null), floats(ref, 'base_logits'))
    report(tag('base logits'), diff)
    expect(diff).toBeLessThanOrEqual(ref.settings.tolerance.logits_abs)
  })

  it('gives the logits and the masked loss with the LoRA weights applied', async () => {
    const diff = maxAbsDiff(await logitsOf(adapter), floats(ref, 'logits'))
    report(tag('LoRA logits'), diff)
    expect(diff).toBeLessThanOrEqual(ref.settings.tolerance.logits_abs)
    const hidden = model.hiddenStates(tokens(), { train: false })
    const { lossSum, count } = causalLmLoss(hidden, model.lmHead, ref.labels, ref.batch, ref.seqLen)
    const loss = (await lossSum.data())[0] / count
    tf.dispose([hidden, lossSum])
    report(tag('loss'), Math.abs(loss - ref.settings.loss))
    expect(Math.abs(loss - ref.settings.loss)).toBeLessThanOrEqual(ref.settings.tolerance.loss_abs)
  })

  async function checkGradients(options: StepOptions, label: string): Promise<void> {
    model.lora = adapter
    const before = tf.memory().numTensors
    const { lossSum, targetTokens, grads } = await loraGradients(model, trainBatch(), options)
    expect(Math.abs(lossSum / targetTokens - ref.settings.loss)).toBeLessThanOrEqual(
      ref.settings.tolerance.loss_abs
    )
    const names = adapter.parameterNames()
    let worst = 0
    for (let i = 0; i < grads.length; i++) {
      const expected = floats(ref, `grad.${names[i]}`)
      const rel = maxAbsDiff(await values(grads[i]), expected) / maxAbs(expected)
      worst = Math.max(worst, rel)
      expect(rel, names[i]).toBeLessThanOrEqual(ref.settings.tolerance.grad_rel_to_max)
    }
    report(tag(`${label} (relative to max)`), worst)
    tf.dispose(grads)
    expect(tf.memory().numTensors).toBe(before)
  }

  it('gives every LoRA gradient, and leaks no tensor', async () => {
    await checkGradients({}, 'gradients')
  })

  it('gives the same gradients with recomputed layers and a chunked, recomputed LM-head loss', async () => {
    await checkGradients(
      { recomputeBlocks: true, loss: { chunkTokens: 7, recompute: true } },
      'gradients recomputed'
    )
  })

  it('hides right padding: real tokens and LoRA gradients as without it', async () => {
    model.lora = adapter
    const hidden = model.hiddenStates.bind(model)
    const width = checkpoint.config.hiddenSize
    const real = Array.from(ref.inputIds.subarray(0, 10))
    const padded = (fill: number) => ({
      inputIds: Int32Array.from([...real, fill, fill, 7]),
      batch: 1,
      seqLen: 13,
      attentionMask: Int32Array.from([...real.map(() => 1), 0, 0, 0])
    })
    const read = async (t: tf.Tensor2D) => {
      const data = Float32Array.from(await values(t))
      t.dispose()
      return data
    }
    const alone = await read(
      hidden({ inputIds: Int32Array.from(real), batch: 1, seqLen: 10 }, { train: false })
    )
    const a = await read(hidden(padded(3), { train: false }))
    const b = await read(hidden(padded(checkpoint.config.vocabSize - 1), { train: false }))
    const diff = maxAbsDiff(a.subarray(0, 10 * width), alone)
    report(tag('padding'), diff)
    expect(diff).toBeLessThan(1e-5)
    expect(maxAbsDiff(a.subarray(12 * width), b.subarray(12 * width))).toBeLessThan(1e-5)

    const labels = Int32Array.from([...real, -100, -100, -100])
    const withPad = await loraGradients(model, { ...padded(5), labels })
    const without = await loraGradients(model, {
      inputIds: Int32Array.from(real),
      batch: 1,
      seqLen: 10,
      labels: Int32Array.from(real)
    })
    expect(withPad.targetTokens).toBe(9)
    expect(Math.abs(withPad.lossSum - without.lossSum)).toBeLessThan(1e-4)
    for (let i = 0; i < withPad.grads.length; i++) {
      const expected = await values(without.grads[i])
      expect(maxAbsDiff(await values(withPad.grads[i]), expected) / maxAbs(expected)).toBeLessThan(1e-4)
    }
    tf.dispose([...withPad.grads, ...without.grads])
  })

  it('decodes greedily with the KV cache as PyTorch does, and the same without the cache', async () => {
    model.lora = null
    const prompt = Array.from(toInt32(ref.tensors.get('greedy_prompt')!))
    const expected = Array.from(toInt32(ref.tensors.get('greedy_ids')!))
    // A cache block of 5 folds the open block into the settled part during the 12 tokens.
    expect(await greedyCached(model, prompt, expected.length, 5)).toEqual(expected)
    expect(await greedyUncached(model, prompt, expected.length)).toEqual(expected)
  })

  it('gives the trained LoRA weights after AdamW steps with clipping, and the loss before each', async () => {
    const trained = LoraAdapter.create(checkpoint.config, ref.loraConfig, new Rng(0), ref.initLora)
    model.lora = trained
    const losses = await adamwSteps(model, trained, ref.settings.adamw, trainBatch())
    losses.forEach((loss, step) =>
      expect(Math.abs(loss - ref.settings.losses_before_each_step[step])).toBeLessThanOrEqual(
        ref.settings.tolerance.loss_abs
      )
    )
    const names = trained.parameterNames()
    const vars = trained.variables()
    let worst = 0
    for (let i = 0; i < vars.length; i++) {
      const diff = maxAbsDiff(await values(vars[i]), floats(ref, `trained.${names[i]}`))
      worst = Math.max(worst, diff)
      expect(diff, names[i]).toBeLessThanOrEqual(ref.settings.tolerance.trained_abs)
    }
    report(tag('AdamW weights'), worst)
    trained.dispose()
  })
})
