// LoRA with PEFT's semantics: target_modules matching, PEFT's trainable-params line for gpt2, scaling,
// kaiming-uniform A / zero B (so the model starts as the base model), and dropout on the LoRA input only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import { parseGpt2Config } from '../../../src/engine/formats/hf-config'
import { Rng } from '../../../src/engine/generation/rng'
import { Gpt2Model } from '../../../src/engine/model/gpt2-model'
import type { ForwardMode } from '../../../src/engine/model/gpt2-model'
import {
  gpt2LinearModules,
  initialLoraWeights,
  LoraAdapter,
  loraScaling,
  loraTargetModules,
  trainableParamsLine
} from '../../../src/engine/model/lora'
import type { LoraConfig } from '../../../src/engine/model/lora'
import { loraGradients } from '../../../src/engine/model/train-step'
import { fixtureMissing } from './fixtures-dir'
import { loadReference, maxAbsDiff, referenceDir, useBackend, values } from './gpt2-reference'
import type { Reference } from './gpt2-reference'

const gpt2 = parseGpt2Config({}, 'gpt2/config.json')
const lora = (over: Partial<LoraConfig>): LoraConfig => ({
  r: 16,
  alpha: 32,
  dropout: 0.1,
  targetModules: ['attn.c_attn', 'attn.c_proj'],
  useRslora: false,
  bias: 'none',
  ...over
})
const targetNames = (targets: string[]) =>
  loraTargetModules(gpt2, lora({ targetModules: targets })).map((m) => m.name)

describe('LoRA target modules', () => {
  it('matches exact names and .-suffixes as PEFT does', () => {
    expect(targetNames(['c_proj']).filter((n) => n.startsWith('h.0.'))).toEqual([
      'h.0.attn.c_proj',
      'h.0.mlp.c_proj'
    ])
    expect(targetNames(['attn.c_proj'])).toHaveLength(12)
    expect(targetNames(['attn.c_proj']).every((n) => n.endsWith('attn.c_proj'))).toBe(true)
    expect(targetNames(['h.3.attn.c_attn'])).toEqual(['h.3.attn.c_attn'])
    expect(targetNames(['transformer.h.1.mlp.c_fc'])).toEqual(['h.1.mlp.c_fc'])
    expect(targetNames(['attn.c_attn', 'mlp.c_fc'])).toHaveLength(24)
  })

  it('refuses targets that match nothing, partial names included', () => {
    expect(() => targetNames(['proj'])).toThrow(/"proj" not found/)
    expect(() => targetNames(['q_proj', 'attn.c_attn'])).toThrow(/"q_proj" not found/)
  })

  it('lists the four Conv1D layers of every block', () => {
    expect(gpt2LinearModules(gpt2)).toHaveLength(48)
    expect(gpt2LinearModules(gpt2)[3]).toEqual({ name: 'h.0.mlp.c_proj', inFeatures: 3072, outFeatures: 768 })
  })
})

describe('trainableParamsLine', () => {
  it('prints PEFT’s line for gpt2 with r 16 on attn.c_attn + attn.c_proj', () => {
    // PEFT formats `{100 * trainable / all:.4f}`: 0.70595589… rounds to 0.7060.
    expect(trainableParamsLine(gpt2, lora({}))).toBe(
      'trainable params: 884,736 || all params: 125,324,544 || trainable%: 0.7060'
    )
  })

  it('counts r·(in + out) per targeted layer', () => {
    expect(trainableParamsLine(gpt2, lora({ r: 8, targetModules: ['c_attn'] }))).toBe(
      'trainable params: 294,912 || all params: 124,734,720 || trainable%: 0.2364'
    )
  })
})

describe('LoRA scaling and init', () => {
  it('scales by alpha / r, or alpha / sqrt(r) with rsLoRA', () => {
    expect(loraScaling(lora({ r: 16, alpha: 32 }))).toBe(2)
    expect(loraScaling(lora({ r: 16, alpha: 32, useRslora: true }))).toBe(8)
  })

  it('draws A uniformly within ±1/sqrt(in) (kaiming a = √5) from the seed, and B as zeros', () => {
    const module = { name: 'h.0.attn.c_attn', inFeatures: 768, outFeatures: 2304 }
    const { a, b } = initialLoraWeights(module, 16, new Rng(5))
    const bound = 1 / Math.sqrt(768)
    expect(a.length).toBe(16 * 768)
    expect(Math.max(...a)).toBeLessThanOrEqual(bound)
    expect(Math.min(...a)).toBeGreaterThanOrEqual(-bound)
    const variance = a.reduce((acc, v) => acc + v * v, 0) / a.length
    expect(variance / ((bound * bound) / 3)).toBeGreaterThan(0.95)
    expect(variance / ((bound * bound) / 3)).toBeLessThan(1.05)
    expect(b.every((v) => v === 0)).toBe(true)
    expect(Array.from(initialLoraWeights(module, 16, new Rng(5)).a)).toEqual(Array.from(a))
  })
})

describe.skipIf(fixtureMissing(referenceDir))('LoRA in the model', () => {
  let ref: Reference
  let model: Gpt2Model

  beforeAll(async () => {
    await useBackend('cpu')
    ref = await loadReference()
    model = Gpt2Model.fromArrays(ref.checkpoint.config, ref.checkpoint.weights)
  })

  afterAll(() => model.dispose())

  const logits = async (mode: ForwardMode): Promise<Float32Array> => {
    const t = tf.tidy(() =>
      model.logits(model.hiddenStates({ inputIds: ref.inputIds, batch: ref.batch, seqLen: ref.seqLen }, mode))
    )
    const data = Float32Array.from(await values(t))
    t.dispose()
    return data
  }

  it('starts as the base model (B = 0)', async () => {
    model.lora = null
    const base = await logits({ train: false })
    const adapter = LoraAdapter.create(ref.checkpoint.config, ref.loraConfig, new Rng(1))
    model.lora = adapter
    expect(maxAbsDiff(await logits({ train: false }), base)).toBe(0)
    adapter.dispose()
  })

  it('applies LoRA dropout only in training, reproducibly from the seed, and leaves the base path alone', async () => {
    const noDropout = { ...ref.checkpoint.config, residPdrop: 0, embdPdrop: 0, attnPdrop: 0 }
    const plain = new Gpt2Model(noDropout, model.weights)
    const adapter = LoraAdapter.create(
      noDropout,
      { ...ref.loraConfig, dropout: 0.5 },
      new Rng(1),
      ref.initLora
    )
    plain.lora = adapter
    const run = async (mode: ForwardMode) => {
      const t = tf.tidy(() =>
        plain.logits(
          plain.hiddenStates({ inputIds: ref.inputIds, batch: ref.batch, seqLen: ref.seqLen }, mode)
        )
      )
      const data = Float32Array.from(await values(t))
      t.dispose()
      return data
    }
    const evalLogits = await run({ train: false })
    const seeds = (first: number) => Array.from({ length: ref.batch }, (_, b) => first + b)
    const trainA = await run({ train: true, dropoutSeeds: seeds(3) })
    expect(maxAbsDiff(trainA, await run({ train: true, dropoutSeeds: seeds(3) }))).toBe(0)
    expect(maxAbsDiff(trainA, evalLogits)).toBeGreaterThan(1e-3)
    expect(maxAbsDiff(trainA, await run({ train: true, dropoutSeeds: seeds(40) }))).toBeGreaterThan(1e-3)
    // With B = 0 the LoRA branch adds nothing, so dropout on its input cannot change the output.
    adapter.setWeights(
      new Map([...ref.initLora].map(([name, w]) => [name, { a: w.a, b: new Float32Array(w.b.length) }]))
    )
    const evalZeroB = await run({ train: false })
    expect(maxAbsDiff(await run({ train: true, dropoutSeeds: seeds(3) }), evalZeroB)).toBe(0)
    adapter.dispose()
  })

  it('trains with all dropouts on without leaking tensors', async () => {
    const adapter = LoraAdapter.create(
      ref.checkpoint.config,
      { ...ref.loraConfig, dropout: 0.1 },
      new Rng(1),
      ref.initLora
    )
    model.lora = adapter
    const batch = { inputIds: ref.inputIds, labels: ref.labels, batch: ref.batch, seqLen: ref.seqLen }
    const before = tf.memory().numTensors
    const losses: number[] = []
    for (let i = 0; i < 3; i++) {
      const dropoutSeeds = Array.from({ length: ref.batch }, (_, b) => 9 + 10 * i + b)
      const { lossSum, targetTokens, grads } = await loraGradients(model, batch, { dropoutSeeds })
      losses.push(lossSum / targetTokens)
      tf.dispose(grads)
      expect(tf.memory().numTensors).toBe(before)
    }
    expect(new Set(losses).size).toBe(3)
    adapter.dispose()
  })
})
