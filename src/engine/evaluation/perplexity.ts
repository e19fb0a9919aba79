// Perplexity of a model (with whatever LoRA it carries) over windows: the shifted causal-LM loss of each
// batch of windows in eval mode, no gradients, summed per predicted token, read back asynchronously so
// it works on every backend. loss = Σ nll / Σ predicted tokens, perplexity = exp(loss).
import { setImmediate as yieldToEventLoop } from 'node:timers/promises'
import * as tf from '@tensorflow/tfjs-core'
import type { PerplexityFigures } from '../../shared/evaluation'
import { causalLmLoss } from '../model/causal-lm-loss'
import type { DecoderModel } from '../model/decoder-model'
import { collate, type TokenRecord } from '../training/training-data'

/**
 * Longest stretch of scoring between yields to the event loop: on cpu/wasm a read-back resolves
 * without one, and a cancel from main (an IPC message) is only seen when the loop turns.
 */
const SLICE_MS = 20

/** Tokens per forward pass when the caller does not say: 2 windows of 1024, 16 of 128. */
const TOKENS_PER_BATCH = 2048

export function defaultBatchSize(maxLength: number): number {
  return Math.max(1, Math.floor(TOKENS_PER_BATCH / maxLength))
}

export interface ScoreOptions {
  batchSize: number
  signal?: AbortSignal
  /** After each batch: windows scored so far. */
  onProgress?: (windowsDone: number) => void
}

export async function scoreWindows(
  model: DecoderModel,
  windows: readonly TokenRecord[],
  options: ScoreOptions
): Promise<PerplexityFigures> {
  let nll = 0
  let tokens = 0
  let sliceStart = performance.now()
  for (let i = 0; i < windows.length; i += options.batchSize) {
    if (performance.now() - sliceStart >= SLICE_MS) {
      await yieldToEventLoop()
      sliceStart = performance.now()
    }
    options.signal?.throwIfAborted()
    const batch = collate(windows.slice(i, i + options.batchSize))
    let count = 0
    const sum = tf.tidy(() => {
      const hidden = model.hiddenStates(batch, { train: false })
      // No backward pass: `recompute` keeps the loss from saving the probabilities a gradient would need.
      const out = causalLmLoss(hidden, model.lmHead, batch.labels, batch.batch, batch.seqLen, {
        recompute: true
      })
      count = out.count
      return out.lossSum
    })
    try {
      nll += (await sum.data())[0]
    } finally {
      sum.dispose()
    }
    tokens += count
    options.onProgress?.(Math.min(windows.length, i + options.batchSize))
  }
  const loss = tokens > 0 ? nll / tokens : Number.NaN
  return { loss, perplexity: Math.exp(loss), tokens }
}
