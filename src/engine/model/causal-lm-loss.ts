// Shifted causal-LM cross-entropy (labels -100 ignored) from hidden states and the LM head, in token
// chunks, with the gradient (softmax − one-hot) written by hand: no gather gradient (wasm lacks
// UnsortedSegmentSum), no one-hot in the forward pass, and logits of target tokens only.
import * as tf from '@tensorflow/tfjs-core'
import { customOp } from './custom-op'
import type { LmHeadWeights } from './frozen-weights'
import { splitRows } from './row-blocks'

export const IGNORE_INDEX = -100

export interface LossOptions {
  /** Rows of logits computed at once (memory: chunkTokens × vocab floats per chunk). Default 256. */
  chunkTokens?: number
  /**
   * Recompute each chunk's logits in the backward pass instead of keeping (softmax − one-hot) for all
   * target tokens: peak memory no longer grows with tokens × vocab, at one more LM-head product.
   */
  recompute?: boolean
}

export interface CausalLmLoss {
  /** Sum of the per-token cross-entropies (a scalar on the tape; differentiate it). */
  lossSum: tf.Scalar
  /** Number of target tokens (labels other than -100 after the shift); mean = lossSum / count. */
  count: number
}

/** Which hidden rows predict a target (row b·T+i predicts labels[b·T+i+1]) and the target ids. */
export function shiftedTargets(
  labels: Int32Array,
  batch: number,
  seqLen: number
): { rows: Int32Array; targets: Int32Array } {
  const rows: number[] = []
  const targets: number[] = []
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i + 1 < seqLen; i++) {
      const label = labels[b * seqLen + i + 1]
      if (label === IGNORE_INDEX) continue
      rows.push(b * seqLen + i)
      targets.push(label)
    }
  }
  return { rows: Int32Array.from(rows), targets: Int32Array.from(targets) }
}

/** Sum over rows of logsumexp(logits) − logits[target], and optionally (softmax − one-hot) for the chunk. */
function chunkLoss(
  h: tf.Tensor2D,
  head: LmHeadWeights,
  targets: Int32Array,
  withGrad: boolean
): { sum: tf.Scalar; dLogits: tf.Tensor2D | null } {
  const [sum, dLogits] = tf.tidy((): tf.Tensor[] => {
    const vocab = head.wT.shape[1]
    const logits = tf.matMul(h, head.wT)
    const lse = tf.logSumExp(logits, -1, true)
    const flatIndex = new Int32Array(targets.length)
    for (let i = 0; i < targets.length; i++) flatIndex[i] = i * vocab + targets[i]
    const picked = tf.gather(tf.reshape(logits, [-1]), tf.tensor1d(flatIndex, 'int32'))
    const total = tf.sub(tf.sum(lse), tf.sum(picked))
    if (!withGrad) return [total]
    const softmax = tf.exp(tf.sub(logits, lse))
    return [total, tf.sub(softmax, tf.oneHot(tf.tensor1d(targets, 'int32'), vocab))]
  })
  return { sum: sum as tf.Scalar, dLogits: (dLogits as tf.Tensor2D | undefined) ?? null }
}

/**
 * Cross-entropy of predicting `labels[:, 1:]` from `hidden[:, :-1]`. `hidden` is `[batch·seqLen, embd]`
 * (after ln_f), `labels` `[batch·seqLen]` row-major with -100 where nothing is predicted. The gradient
 * flows to `hidden` only (the head is frozen).
 */
export function causalLmLoss(
  hidden: tf.Tensor2D,
  head: LmHeadWeights,
  labels: Int32Array,
  batch: number,
  seqLen: number,
  options: LossOptions = {}
): CausalLmLoss {
  if (labels.length !== batch * seqLen) {
    throw new Error(`labels has ${labels.length} entries, expected batch ${batch} × seqLen ${seqLen}`)
  }
  const vocab = head.wT.shape[1]
  for (const label of labels) {
    if (label !== IGNORE_INDEX && !(label >= 0 && label < vocab)) {
      throw new Error(`label ${label} is outside the vocabulary (0…${vocab - 1}) and is not -100`)
    }
  }
  const { rows, targets } = shiftedTargets(labels, batch, seqLen)
  const count = rows.length
  if (count === 0) return { lossSum: tf.scalar(0), count }
  const chunk = Math.max(1, options.chunkTokens ?? 256)
  const recompute = options.recompute ?? false
  const starts: number[] = []
  for (let s = 0; s < count; s += chunk) starts.push(s)
  const chunkSizes = starts.map((s) => Math.min(chunk, count - s))
  const targetsOf = (s: number): Int32Array => targets.subarray(s, Math.min(count, s + chunk))

  const lossSum = customOp<tf.Scalar>([hidden], ([input], save) => {
    const selected = tf.gather(input as tf.Tensor2D, tf.tensor1d(rows, 'int32')) as tf.Tensor2D
    const sums: tf.Scalar[] = []
    const grads: tf.Tensor2D[] = []
    const chunks = splitRows(selected, chunkSizes)
    for (const [i, s] of starts.entries()) {
      const { sum, dLogits } = chunkLoss(chunks[i], head, targetsOf(s), !recompute)
      sums.push(sum)
      if (dLogits !== null) grads.push(dLogits)
    }
    save(recompute ? [selected] : grads)
    return {
      value: tf.addN(sums) as tf.Scalar,
      gradFunc: (dy, saved) => {
        const recomputed = recompute ? splitRows(saved[0] as tf.Tensor2D, chunkSizes) : []
        const dRows: tf.Tensor2D[] = starts.map((s, i) => {
          const dLogits = recompute
            ? (chunkLoss(recomputed[i], head, targetsOf(s), true).dLogits as tf.Tensor2D)
            : (saved[i] as tf.Tensor2D)
          return tf.matMul(dLogits, head.w)
        })
        // Scatter the target rows back into [rows, embd] with a gather (no scatter gradient kernel needed):
        // every non-target row points at an appended zero row.
        const withZero = tf.concat([...dRows, tf.zeros([1, hidden.shape[1]])], 0)
        const source = new Int32Array(hidden.shape[0]).fill(count)
        rows.forEach((row, i) => (source[row] = i))
        return tf.mul(tf.gather(withZero, tf.tensor1d(source, 'int32')), dy)
      }
    }
  })
  return { lossSum, count }
}
