// Steps the parity suites of every decoder family share: greedy decoding with the KV cache and by full
// forward passes, and AdamW steps with clipping as the PyTorch references take them.
import { expect } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import type { DecoderModel } from '../../../src/engine/model/decoder-model'
import { DecoderCausalLm } from '../../../src/engine/model/decoder-session'
import type { LoraAdapter } from '../../../src/engine/model/lora'
import { loraGradients } from '../../../src/engine/model/train-step'
import type { TrainBatch } from '../../../src/engine/model/train-step'
import { AdamW } from '../../../src/engine/optim/adamw'
import { clipGradNorm } from '../../../src/engine/optim/clip-grad-norm'
import { values } from './gpt2-reference'
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
