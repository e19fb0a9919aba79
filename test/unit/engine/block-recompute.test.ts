// Gradient checkpointing (each block recomputed in the backward pass, the loss's logits too) against the
// plain backward pass on the tiny fixture model with every dropout on: the same loss and LoRA gradients
// on cpu and wasm, no tensor left behind, and a lower tensor-memory peak on a deeper model.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import { gpt2WeightShapes } from '../../../src/engine/formats/gpt2-weights'
import { parseGpt2Config } from '../../../src/engine/formats/hf-config'
import type { Gpt2Config } from '../../../src/engine/formats/hf-config'
import { Rng } from '../../../src/engine/generation/rng'
import type { WeightArray } from '../../../src/engine/model/frozen-weights'
import { Gpt2Model } from '../../../src/engine/model/gpt2-model'
import { LoraAdapter } from '../../../src/engine/model/lora'
import type { LoraConfig } from '../../../src/engine/model/lora'
import { loraGradients } from '../../../src/engine/model/train-step'
import type { StepOptions, TrainBatch } from '../../../src/engine/model/train-step'
import { requireFixture } from './fixtures-dir'
import {
  backendsUnderTest,
  loadReference,
  maxAbs,
  maxAbsDiff,
  randomLora,
  referenceDir,
  useBackend
} from './gpt2-reference'
import type { Reference } from './gpt2-reference'

const CHECKPOINTING: StepOptions = { recomputeBlocks: true, loss: { recompute: true, chunkTokens: 7 } }

interface Compared {
  lossPlain: number
  lossRecomputed: number
  /** max |Δgrad| ÷ max |grad| over every LoRA tensor. */
  gradRel: number
  gradMax: number
}

async function compare(
  model: Gpt2Model,
  batch: TrainBatch,
  base: StepOptions,
  recomputed: StepOptions
): Promise<Compared> {
  const plain = await loraGradients(model, batch, base)
  const again = await loraGradients(model, batch, { ...base, ...recomputed })
  let diff = 0
  let max = 0
  for (const [i, g] of plain.grads.entries()) {
    const a = await g.data()
    diff = Math.max(diff, maxAbsDiff(a, await again.grads[i].data()))
    max = Math.max(max, maxAbs(a))
  }
  tf.dispose([...plain.grads, ...again.grads])
  return { lossPlain: plain.lossSum, lossRecomputed: again.lossSum, gradRel: diff / max, gradMax: max }
}

requireFixture(referenceDir)
describe('block recomputation (gradient checkpointing)', () => {
  let ref: Reference

  beforeAll(async () => {
    ref = await loadReference()
  })

  const batchOf = (r: Reference): TrainBatch => ({
    inputIds: r.inputIds,
    labels: r.labels,
    batch: r.batch,
    seqLen: r.seqLen
  })
  const seeds = (r: Reference, first: number) => Array.from({ length: r.batch }, (_, b) => first + 7 * b)

  for (const backend of backendsUnderTest) {
    describe(backend, () => {
      let model: Gpt2Model

      beforeAll(async () => {
        await useBackend(backend)
        model = Gpt2Model.fromArrays(ref.checkpoint.config, ref.checkpoint.weights)
      })
      afterAll(() => model.dispose())

      const withLora = async (targets: string[], run: () => Promise<void>) => {
        const config: LoraConfig = { ...ref.loraConfig, dropout: 0.1, targetModules: targets }
        const adapter = LoraAdapter.create(
          ref.checkpoint.config,
          config,
          new Rng(1),
          randomLora(ref.checkpoint.config, config, 2)
        )
        model.lora = adapter
        try {
          await run()
        } finally {
          model.lora = null
          adapter.dispose()
        }
      }

      it('gives the plain pass’s loss and LoRA gradients with every dropout on, leaving no tensor behind', async () => {
        expect(ref.checkpoint.config.attnPdrop).toBeGreaterThan(0)
        expect(ref.checkpoint.config.residPdrop).toBeGreaterThan(0)
        expect(ref.checkpoint.config.embdPdrop).toBeGreaterThan(0)
        await withLora(['c_attn', 'c_proj', 'c_fc'], async () => {
          const before = tf.memory().numTensors
          const base: StepOptions = { dropoutSeeds: seeds(ref, 11) }
          const both = await compare(model, batchOf(ref), base, CHECKPOINTING)
          const blocksOnly = await compare(model, batchOf(ref), base, { recomputeBlocks: true })
          const evalMode = await compare(model, batchOf(ref), {}, CHECKPOINTING)
          expect(tf.memory().numTensors).toBe(before)
          console.log(
            `${backend}: recomputed vs plain, max |Δgrad| / max |grad|: blocks+loss ${both.gradRel.toExponential(2)}, ` +
              `blocks ${blocksOnly.gradRel.toExponential(2)}, eval mode ${evalMode.gradRel.toExponential(2)}; ` +
              `|Δloss| ${Math.abs(both.lossPlain - both.lossRecomputed).toExponential(2)}`
          )
          for (const c of [both, blocksOnly, evalMode]) {
            expect(c.gradMax).toBeGreaterThan(1e-4)
            expect(c.gradRel).toBeLessThan(1e-6)
            expect(Math.abs(c.lossRecomputed - c.lossPlain)).toBeLessThanOrEqual(1e-6 * Math.abs(c.lossPlain))
          }
          // dropout is really on: another seed gives another loss
          const other = await loraGradients(model, batchOf(ref), {
            dropoutSeeds: seeds(ref, 12),
            ...CHECKPOINTING
          })
          tf.dispose(other.grads)
          expect(Math.abs(other.lossSum - both.lossPlain)).toBeGreaterThan(1e-3)
        })
      })

      it('handles a first block without LoRA (no gradient flows into it) the same way', async () => {
        await withLora(['h.1.attn.c_attn', 'h.1.mlp.c_proj'], async () => {
          const before = tf.memory().numTensors
          const c = await compare(model, batchOf(ref), { dropoutSeeds: seeds(ref, 3) }, CHECKPOINTING)
          expect(tf.memory().numTensors).toBe(before)
          expect(c.gradMax).toBeGreaterThan(1e-4)
          expect(c.gradRel).toBeLessThan(1e-6)
          expect(Math.abs(c.lossRecomputed - c.lossPlain)).toBeLessThanOrEqual(1e-6 * Math.abs(c.lossPlain))
        })
      })
    })
  }
})

/** Random weights of GPT-2's shapes (std ≈ 0.02, LayerNorm 1/0), seeded. */
function randomWeights(config: Gpt2Config, seed: number): Map<string, WeightArray> {
  const rng = new Rng(seed)
  const out = new Map<string, WeightArray>()
  for (const [key, shape] of gpt2WeightShapes(config)) {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1))
    if (/ln_\d\.weight$|^ln_f\.weight$/.test(key)) data.fill(1)
    else if (key.endsWith('.weight'))
      for (let i = 0; i < data.length; i++) data[i] = (rng.nextFloat() - 0.5) * 0.07
    out.set(key, { shape, data })
  }
  return out
}

describe('gradient-checkpointing memory', () => {
  it('lowers the tensor-memory peak of a step on a 6-layer model (batch 4 × 128)', async () => {
    await useBackend('wasm')
    const config = parseGpt2Config(
      {
        model_type: 'gpt2',
        vocab_size: 2000,
        n_positions: 128,
        n_embd: 64,
        n_layer: 6,
        n_head: 4,
        bos_token_id: 1999,
        eos_token_id: 1999
      },
      'test config'
    )
    const lora: LoraConfig = {
      r: 4,
      alpha: 8,
      dropout: 0.1,
      targetModules: ['attn.c_attn', 'attn.c_proj'],
      useRslora: false,
      bias: 'none'
    }
    const model = Gpt2Model.fromArrays(
      config,
      randomWeights(config, 1),
      LoraAdapter.create(config, lora, new Rng(3))
    )
    const rng = new Rng(4)
    const ids = Int32Array.from({ length: 4 * 128 }, () => rng.nextInt(2000))
    const batch: TrainBatch = { inputIds: ids, labels: ids, batch: 4, seqLen: 128 }
    const peak = async (options: StepOptions) => {
      let loss = 0
      const info = await tf.profile(async () => {
        const g = await loraGradients(model, batch, { dropoutSeeds: [1, 2, 3, 4], ...options })
        loss = g.lossSum
        tf.dispose(g.grads)
      })
      return { bytes: info.peakBytes, loss }
    }
    const before = tf.memory()
    const over = async (options: StepOptions) => {
      const p = await peak(options)
      return { bytes: p.bytes - before.numBytes, loss: p.loss }
    }
    const plain = await over({})
    const lossOnly = await over({ loss: { recompute: true } })
    const blocksOnly = await over({ recomputeBlocks: true })
    const both = await over({ recomputeBlocks: true, loss: { recompute: true } })
    const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`
    console.log(
      `6 layers × 64, batch 4 × 128, vocab 2000: tf peak over the weights (${mib(before.numBytes)}): plain ${mib(plain.bytes)}, ` +
        `loss recomputed ${mib(lossOnly.bytes)}, blocks recomputed ${mib(blocksOnly.bytes)}, both ${mib(both.bytes)}`
    )
    expect(tf.memory().numTensors).toBe(before.numTensors)
    for (const r of [lossOnly, blocksOnly, both])
      expect(Math.abs(r.loss - plain.loss)).toBeLessThan(1e-6 * plain.loss)
    // blocks: one block's activations at a time instead of six
    expect(blocksOnly.bytes).toBeLessThan(0.5 * plain.bytes)
    // loss: (softmax − one-hot) of all 508 target tokens, 508 × 2000 floats = 3.9 MiB, is no longer kept
    const dLogitsBytes = 4 * 127 * 2000 * 4
    expect(lossOnly.bytes).toBeLessThan(plain.bytes - 0.5 * dLogitsBytes)
    expect(both.bytes).toBeLessThan(blocksOnly.bytes - 0.5 * dLogitsBytes)
    model.lora?.dispose()
    model.dispose()
  })
})
