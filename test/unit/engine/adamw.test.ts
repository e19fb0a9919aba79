// AdamW + clip_grad_norm_ against torch: the LoRA weights after the reference's AdamW steps (each
// clipped to the global norm first), on every backend under test; optimizer state survives export and import.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import { Rng } from '../../../src/engine/generation/rng'
import { Gpt2Model } from '../../../src/engine/model/gpt2-model'
import { LoraAdapter } from '../../../src/engine/model/lora'
import { AdamW } from '../../../src/engine/optim/adamw'
import { clipGradNorm } from '../../../src/engine/optim/clip-grad-norm'
import { adamwSteps } from './decoder-checks'
import { requireFixture } from './fixtures-dir'
import {
  backendsUnderTest,
  floats,
  loadReference,
  maxAbsDiff,
  referenceDir,
  useBackend,
  values
} from './gpt2-reference'
import type { Reference } from './gpt2-reference'

describe('clipGradNorm', () => {
  beforeAll(() => useBackend('cpu'))

  it('scales by max_norm / (norm + 1e-6) and returns the norm before clipping', async () => {
    const grads = [tf.tensor1d([3, 0]), tf.tensor2d([[0, 4]])]
    const { grads: clipped, totalNorm } = clipGradNorm(grads, 1)
    expect((await values(totalNorm))[0]).toBeCloseTo(5, 6)
    const coef = 1 / (5 + 1e-6)
    expect(Array.from(await values(clipped[0]))[0]).toBeCloseTo(3 * coef, 6)
    expect(Array.from(await values(clipped[1]))[1]).toBeCloseTo(4 * coef, 6)
    tf.dispose([...grads, ...clipped, totalNorm])
  })

  it('leaves gradients under the limit unchanged', async () => {
    const grads = [tf.tensor1d([0.3, 0.4])]
    const { grads: clipped, totalNorm } = clipGradNorm(grads, 1)
    expect((await values(totalNorm))[0]).toBeCloseTo(0.5, 6)
    expect(Array.from(await values(clipped[0]))).toEqual(Array.from(await values(grads[0])))
    tf.dispose([...grads, ...clipped, totalNorm])
  })
})

describe('AdamW', () => {
  beforeAll(() => useBackend('cpu'))

  it('takes torch’s first step: p·(1 − lr·wd) − lr·g/(|g| + eps) after bias correction', async () => {
    const p = tf.variable(tf.tensor1d([1, -2]))
    const opt = new AdamW([p], { lr: 0.1, weightDecay: 0.5 })
    const g = tf.tensor1d([0.5, -0.25])
    opt.update([g])
    const got = await values(p)
    // m̂ = g, v̂ = g², so the update is lr·g/(|g| + eps) = ±0.1 (up to eps).
    expect(got[0]).toBeCloseTo(1 * 0.95 - 0.1, 6)
    expect(got[1]).toBeCloseTo(-2 * 0.95 + 0.1, 6)
    tf.dispose([p, g])
    opt.dispose()
  })

  it('resumes from exported state exactly as if never stopped', async () => {
    const run = async (split: boolean): Promise<Float32Array> => {
      const p = tf.variable(tf.tensor1d([0.5, -1, 2]))
      let opt = new AdamW([p], { lr: 0.05 })
      for (let step = 0; step < 4; step++) {
        if (split && step === 2) {
          const state = await opt.exportState()
          opt.dispose()
          opt = new AdamW([p], { lr: 0.05 })
          opt.importState(state)
        }
        const g = tf.tensor1d([0.1 * (step + 1), -0.3, 0.02 * step])
        opt.update([g])
        g.dispose()
      }
      const out = Float32Array.from(await values(p))
      opt.dispose()
      p.dispose()
      return out
    }
    expect(Array.from(await run(true))).toEqual(Array.from(await run(false)))
  })

  it('refuses state from another run', () => {
    const p = tf.variable(tf.tensor1d([1, 2]))
    const opt = new AdamW([p], { lr: 0.1 })
    expect(() =>
      opt.importState({ step: 1, expAvg: [new Float32Array(3)], expAvgSq: [new Float32Array(3)] })
    ).toThrow(/wrong size/)
    opt.dispose()
    p.dispose()
  })
})

requireFixture(referenceDir)
describe.each(backendsUnderTest)('AdamW steps match torch on %s', (backend) => {
  let ref: Reference
  let model: Gpt2Model
  let adapter: LoraAdapter

  beforeAll(async () => {
    await useBackend(backend)
    ref = await loadReference()
    model = Gpt2Model.fromArrays(ref.checkpoint.config, ref.checkpoint.weights)
    adapter = LoraAdapter.create(ref.checkpoint.config, ref.loraConfig, new Rng(0), ref.initLora)
    model.lora = adapter
  })

  afterAll(() => {
    model.dispose()
    adapter.dispose()
  })

  it('gives the trained LoRA weights and the loss before each step', async () => {
    const batch = { inputIds: ref.inputIds, labels: ref.labels, batch: ref.batch, seqLen: ref.seqLen }
    const losses = await adamwSteps(model, adapter, ref.settings.adamw, batch)
    losses.forEach((loss, step) =>
      expect(Math.abs(loss - ref.settings.losses_before_each_step[step])).toBeLessThanOrEqual(
        ref.settings.tolerance.loss_abs
      )
    )
    const names = adapter.parameterNames()
    const vars = adapter.variables()
    for (let i = 0; i < vars.length; i++) {
      const diff = maxAbsDiff(await values(vars[i]), floats(ref, `trained.${names[i]}`))
      expect(diff, names[i]).toBeLessThanOrEqual(ref.settings.tolerance.trained_abs)
    }
  })
})
