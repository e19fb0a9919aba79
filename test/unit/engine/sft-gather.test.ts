// SFT batches (prompts masked with -100, a row with no target at all, right padding): the loss runs the
// LM head on the target rows only, gathered from the final hidden states. Its loss and LoRA gradients
// must equal the full path's — logits on every position, masked afterwards, differentiated by tfjs —
// which they cannot if the gather drops, adds or misorders a row.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
// The engine writes its own gradients and never registers tfjs's; the full path here needs them
// (matMul, logSumExp, …). This file runs in its own process (vitest's forks pool), so nothing else sees them.
import '@tensorflow/tfjs-core/dist/register_all_gradients'
import { Rng } from '../../../src/engine/generation/rng'
import { IGNORE_INDEX, shiftedTargets } from '../../../src/engine/model/causal-lm-loss'
import { Gpt2Model } from '../../../src/engine/model/gpt2-model'
import type { ForwardMode } from '../../../src/engine/model/gpt2-model'
import { LoraAdapter } from '../../../src/engine/model/lora'
import type { LoraConfig } from '../../../src/engine/model/lora'
import { loraGradientTensors } from '../../../src/engine/model/train-step'
import type { StepOptions, TrainBatch } from '../../../src/engine/model/train-step'
import { requireFixture } from './fixtures-dir'
import {
  backendsUnderTest,
  loadReference,
  maxGradDiff,
  randomLora,
  referenceDir,
  useBackend
} from './gpt2-reference'
import type { Reference } from './gpt2-reference'

const SEQ = 12
const PAD = 0

/**
 * Four rows of 12: a prompt of 5 masked, a row with every label masked, a row of 8 tokens right-padded
 * to 12 (prompt of 3 masked), and a row with one masked label in the middle.
 */
function sftBatch(vocab: number): TrainBatch {
  const rng = new Rng(21)
  const rows = 4
  const inputIds = Int32Array.from({ length: rows * SEQ }, () => rng.nextInt(vocab))
  const labels = Int32Array.from(inputIds)
  const attentionMask = new Int32Array(rows * SEQ).fill(1)
  labels.fill(IGNORE_INDEX, 0, 5)
  labels.fill(IGNORE_INDEX, SEQ, 2 * SEQ)
  labels.fill(IGNORE_INDEX, 2 * SEQ, 2 * SEQ + 3)
  for (let t = 8; t < SEQ; t++) {
    inputIds[2 * SEQ + t] = PAD
    labels[2 * SEQ + t] = IGNORE_INDEX
    attentionMask[2 * SEQ + t] = 0
  }
  labels[3 * SEQ + 6] = IGNORE_INDEX
  return { inputIds, labels, attentionMask, batch: rows, seqLen: SEQ }
}

/** The fixture model with LoRA (B ≠ 0, so A gets a gradient too) on every c_attn and c_proj. */
function sftModel(ref: Reference): Gpt2Model {
  const config = ref.checkpoint.config
  const lora: LoraConfig = { ...ref.loraConfig, dropout: 0.1, targetModules: ['c_attn', 'c_proj'] }
  const adapter = LoraAdapter.create(config, lora, new Rng(1), randomLora(config, lora, 5))
  return Gpt2Model.fromArrays(config, ref.checkpoint.weights, adapter)
}

interface Gradients {
  lossSum: number
  targetTokens: number
  grads: Float32Array[]
}

/**
 * The full path: logits at every position of every row, cross-entropy against the shifted labels with
 * masked positions weighted 0, and tfjs's own gradients through all of it (the gradient's scale as the
 * step's default, 1 / target tokens).
 */
async function fullPathGradients(model: Gpt2Model, batch: TrainBatch, mode: ForwardMode): Promise<Gradients> {
  const n = batch.batch * batch.seqLen
  const vocab = model.config.vocabSize
  const targets = new Int32Array(n)
  const weights = new Float32Array(n)
  for (let b = 0; b < batch.batch; b++) {
    for (let i = 0; i + 1 < batch.seqLen; i++) {
      const label = batch.labels[b * batch.seqLen + i + 1]
      if (label === IGNORE_INDEX) continue
      targets[b * batch.seqLen + i] = label
      weights[b * batch.seqLen + i] = 1
    }
  }
  const targetTokens = weights.reduce((a, w) => a + w, 0)
  const oneHot = tf.tidy(() => tf.oneHot(tf.tensor1d(targets, 'int32'), vocab))
  const weight = tf.tensor1d(weights)
  const dy = tf.scalar(1 / targetTokens)
  const vars = model.lora!.variables()
  const { value, grads } = tf.valueAndGrads(() => {
    const hidden = model.hiddenStates(batch, mode)
    const logits = model.logits(hidden)
    const perRow = tf.sub(tf.logSumExp(logits, 1), tf.sum(tf.mul(logits, oneHot), 1))
    return tf.sum(tf.mul(perRow, weight)) as tf.Scalar
  })(vars, dy)
  const out = {
    lossSum: (await value.data())[0],
    targetTokens,
    grads: await Promise.all(grads.map(async (g) => Float32Array.from(await g.data())))
  }
  tf.dispose([value, ...grads, oneHot, weight, dy])
  return out
}

async function gatherPathGradients(
  model: Gpt2Model,
  batch: TrainBatch,
  options: StepOptions
): Promise<Gradients> {
  const g = loraGradientTensors(model, batch, options)
  const out = {
    lossSum: (await g.lossSum.data())[0],
    targetTokens: g.targetTokens,
    grads: await Promise.all(g.grads.map(async (t) => Float32Array.from(await t.data())))
  }
  tf.dispose([g.lossSum, ...g.grads])
  return out
}

requireFixture(referenceDir)
describe.each(backendsUnderTest)('LM head on the target rows only, on %s', (backend) => {
  let model: Gpt2Model
  let batch: TrainBatch
  beforeAll(async () => {
    await useBackend(backend)
    model = sftModel(await loadReference())
    batch = sftBatch(model.config.vocabSize)
  })
  afterAll(() => {
    model.lora?.dispose()
    model.dispose()
  })

  it('has the batch it claims: 7 + 0 + 5 + 10 target rows of 48 positions', () => {
    expect(shiftedTargets(batch.labels, batch.batch, batch.seqLen).rows.length).toBe(22)
  })

  const seeds = [3, 4, 5, 6]
  const settings: [string, StepOptions][] = [
    ['eval mode', {}],
    ['every dropout on', { dropoutSeeds: seeds }],
    ['logits recomputed in 5-row chunks', { dropoutSeeds: seeds, loss: { recompute: true, chunkTokens: 5 } }],
    [
      'blocks and logits recomputed',
      { dropoutSeeds: seeds, recomputeBlocks: true, loss: { recompute: true } }
    ]
  ]
  for (const [name, options] of settings) {
    it(`gives the full path's loss and LoRA gradients (${name})`, async () => {
      const before = tf.memory().numTensors
      const mode: ForwardMode =
        options.dropoutSeeds === undefined
          ? { train: false }
          : { train: true, dropoutSeeds: options.dropoutSeeds }
      const full = await fullPathGradients(model, batch, mode)
      const gathered = await gatherPathGradients(model, batch, options)
      const { diff, max } = maxGradDiff(full.grads, gathered.grads)
      console.log(
        `${backend}, ${name}: gather vs full path |Δloss| ${Math.abs(full.lossSum - gathered.lossSum).toExponential(2)} ` +
          `(loss sum ${full.lossSum.toFixed(4)}), max |Δgrad| ${diff.toExponential(2)} (max |grad| ${max.toExponential(2)})`
      )
      expect(gathered.targetTokens).toBe(22)
      expect(full.targetTokens).toBe(22)
      // float32 sums of 22 terms in another order: ~1 ulp of the sum per term
      expect(Math.abs(full.lossSum - gathered.lossSum)).toBeLessThan(2e-6 * full.lossSum)
      expect(max).toBeGreaterThan(1e-3)
      expect(diff).toBeLessThan(1e-5)
      expect(tf.memory().numTensors).toBe(before)
    })
  }

  it('tells a swapped pair of target rows apart (the comparison sees the order of the rows)', async () => {
    // Rows 5 and 6 of the first sequence predict labels 6 and 7; swapping those labels is what a
    // misordered gather would compute.
    const swapped = { ...batch, labels: Int32Array.from(batch.labels) }
    swapped.labels[6] = batch.labels[7]
    swapped.labels[7] = batch.labels[6]
    expect(swapped.labels[6]).not.toBe(swapped.labels[7])
    const full = await fullPathGradients(model, batch, { train: false })
    const misordered = await gatherPathGradients(model, swapped, {})
    expect(Math.abs(full.lossSum - misordered.lossSum)).toBeGreaterThan(1e-3)
    expect(maxGradDiff(full.grads, misordered.grads).diff).toBeGreaterThan(1e-4)
  })

  it('keeps the full batch (no label masked) exact too', async () => {
    const whole: TrainBatch = {
      inputIds: batch.inputIds,
      labels: Int32Array.from(batch.inputIds),
      batch: batch.batch,
      seqLen: batch.seqLen
    }
    const full = await fullPathGradients(model, whole, { train: false })
    const gathered = await gatherPathGradients(model, whole, {})
    expect(gathered.targetTokens).toBe(4 * (SEQ - 1))
    expect(Math.abs(full.lossSum - gathered.lossSum)).toBeLessThan(2e-6 * full.lossSum)
    expect(maxGradDiff(full.grads, gathered.grads).diff).toBeLessThan(1e-5)
  })
})
