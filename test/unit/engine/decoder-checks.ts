// Steps the parity suites of every decoder family share: greedy decoding with the KV cache and by full
// forward passes, and AdamW steps with clipping as the PyTorch references take them.
import { expect } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import { Rng } from '../../../src/engine/generation/rng'
import type { DecoderModel } from '../../../src/engine/model/decoder-model'
import type { WeightArray } from '../../../src/engine/model/frozen-weights'
import { DecoderCausalLm } from '../../../src/engine/model/decoder-session'
import type { LoraAdapter } from '../../../src/engine/model/lora'
import { loraGradients } from '../../../src/engine/model/train-step'
import type { TrainBatch } from '../../../src/engine/model/train-step'
import { AdamW } from '../../../src/engine/optim/adamw'
import { clipGradNorm } from '../../../src/engine/optim/clip-grad-norm'
import { maxAbsDiff, values } from './gpt2-reference'
import type { ReferenceSettings } from './gpt2-reference'

export function argmax(row: Float32Array): number {
  let best = 0
  for (let i = 1; i < row.length; i++) if (row[i] > row[best]) best = i
  return best
}

/** `count` greedy tokens after `prompt` through a KV-cache session; checks the session frees its tensors. */
export async function greedyCached(
  model: DecoderModel,
  prompt: number[],
  count: number,
  cacheBlock?: number
): Promise<number[]> {
  const before = tf.memory().numTensors
  const session = new DecoderCausalLm(model, { cacheBlock }).startSession()
  const ids: number[] = []
  let logits = await session.append(prompt)
  while (ids.length < count) {
    ids.push(argmax(logits))
    if (ids.length < count) logits = await session.append([ids[ids.length - 1]])
  }
  expect(session.length).toBe(prompt.length + count - 1)
  session.dispose()
  expect(tf.memory().numTensors).toBe(before)
  return ids
}

/** Uniform weights of the given shapes in ±0.2, around 1 for the keys `isNorm` picks (norm weights); seeded. */
export function randomWeightArrays(
  shapes: ReadonlyMap<string, number[]>,
  seed: number,
  isNorm: (key: string) => boolean
): Map<string, WeightArray> {
  const rng = new Rng(seed)
  const out = new Map<string, WeightArray>()
  for (const [key, shape] of shapes) {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1))
    const base = isNorm(key) ? 1 : 0
    for (let i = 0; i < data.length; i++) data[i] = base + (rng.nextFloat() - 0.5) * 0.4
    out.set(key, { shape, data })
  }
  return out
}

/** Logits of the last of `ids` from one full forward pass (no cache). */
export async function fullPassLastLogits(model: DecoderModel, ids: number[]): Promise<Float32Array> {
  const t = tf.tidy(() => {
    const hidden = model.hiddenStates(
      { inputIds: Int32Array.from(ids), batch: 1, seqLen: ids.length },
      { train: false }
    )
    return model.logits(tf.slice(hidden, [ids.length - 1, 0], [1, hidden.shape[1]]))
  })
  const out = Float32Array.from(await values(t))
  t.dispose()
  return out
}

/**
 * Feeds `chunks` (prompt, single tokens, multi-token appends) to a session with open blocks of
 * `cacheBlock`; after each, the next-token logits must be within `tolerance` of a full forward pass's.
 * Checks the session frees its tensors.
 */
export async function checkCachedAgainstFull(
  model: DecoderModel,
  chunks: number[][],
  cacheBlock: number,
  tolerance: number
): Promise<void> {
  const before = tf.memory().numTensors
  const session = new DecoderCausalLm(model, { cacheBlock }).startSession()
  const fed: number[] = []
  for (const chunk of chunks) {
    const logits = await session.append(chunk)
    fed.push(...chunk)
    const diff = maxAbsDiff(logits, await fullPassLastLogits(model, fed))
    expect(diff, `after ${fed.length} tokens`).toBeLessThan(tolerance)
  }
  expect(session.length).toBe(fed.length)
  session.dispose()
  expect(tf.memory().numTensors).toBe(before)
}

/** The same by a full forward pass over the whole sequence for every token (no cache). */
export async function greedyUncached(
  model: DecoderModel,
  prompt: number[],
  count: number
): Promise<number[]> {
  const out: number[] = []
  const ids = [...prompt]
  while (out.length < count) {
    const last = tf.tidy(() => {
      const hidden = model.hiddenStates(
        { inputIds: Int32Array.from(ids), batch: 1, seqLen: ids.length },
        { train: false }
      )
      return model.logits(tf.slice(hidden, [ids.length - 1, 0], [1, hidden.shape[1]]))
    })
    const next = argmax(await values(last))
    last.dispose()
    out.push(next)
    ids.push(next)
  }
  return out
}

/**
 * The reference's AdamW steps (each on `batch`, gradients clipped to the global norm first) on `adapter`,
 * which `model` must have attached; returns the mean loss before each step, and checks nothing leaks.
 */
export async function adamwSteps(
  model: DecoderModel,
  adapter: LoraAdapter,
  settings: ReferenceSettings['adamw'],
  batch: TrainBatch
): Promise<number[]> {
  expect(settings.schedule).toBe('constant')
  const opt = new AdamW(adapter.variables(), {
    lr: settings.lr,
    beta1: settings.betas[0],
    beta2: settings.betas[1],
    eps: settings.eps,
    weightDecay: settings.weight_decay
  })
  const losses: number[] = []
  const before = tf.memory().numTensors
  for (let step = 0; step < settings.steps; step++) {
    const { lossSum, targetTokens, grads } = await loraGradients(model, batch)
    losses.push(lossSum / targetTokens)
    const clipped = clipGradNorm(grads, settings.max_grad_norm)
    opt.update(clipped.grads)
    tf.dispose([...grads, ...clipped.grads, clipped.totalNorm])
    expect(tf.memory().numTensors).toBe(before)
  }
  opt.dispose()
  return losses
}
