// Shifted causal-LM cross-entropy (labels -100 ignored) from hidden states and the LM head, in token
// chunks, with the gradient written by hand as softmax·W − W[targets]: no gather gradient (wasm lacks
// UnsortedSegmentSum), no one-hot, and no elementwise exp over [tokens, vocab] (scalar and slow on wasm).
import * as tf from '@tensorflow/tfjs-core'
import { customOp } from './custom-op'
import type { LmHeadWeights } from './frozen-weights'
import { splitRows } from './row-blocks'
import { gatherRows } from './row-table'

export const IGNORE_INDEX = -100

export interface LossOptions {
  /** Rows of logits computed at once (memory: chunkTokens × vocab floats per chunk). Default 256. */
  chunkTokens?: number
  /**
   * Recompute each chunk's logits in the backward pass instead of keeping the probabilities of all
   * target tokens: peak memory no longer grows with tokens × vocab, at one more LM-head product.
   * Default: only when keeping them would take more than SAVED_PROBABILITIES_BUDGET bytes.
   */
  recompute?: boolean
}

/** 128 MiB: 2 × 256 GPT-2 tokens keep theirs (51 MB a row), 1 × 1024 (205 MB) recomputes. */
export const SAVED_PROBABILITIES_BUDGET = 128 * 2 ** 20

/** Whether the loss recomputes its logits when not told: keeping `targetTokens` rows of probabilities passes the budget. */
export function recomputesByDefault(targetTokens: number, vocab: number): boolean {
  return targetTokens * vocab * 4 > SAVED_PROBABILITIES_BUDGET
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

/**
 * Σ tensors, added one by one: WebGPU's addN binds every input in one shader, and past its storage-buffer
 * limit (8 on most adapters) it gave wrong sums with Qwen's 22 LM-head blocks (GPT-2 has 7). Same order as
 * addN's left-to-right sum on cpu and wasm.
 */
function sumOf<T extends tf.Tensor>(tensors: T[]): T {
  return tensors.reduce((acc, t) => tf.add(acc, t))
}

interface ChunkLoss {
  /** Σ over the chunk's rows of logsumexp(logits) − logits[target]. */
  sum: tf.Scalar
  /** The softmax in the head's column blocks (`[rows, block]` each), when asked for. */
  probs: tf.Tensor2D[]
}

/**
 * The chunk's loss from its logits in the head's column blocks. Each block gets one softmax kernel
 * (vectorised, unlike exp); a block's largest probability is 1/Σexp(l − blockMax), which yields the
 * row's logsumexp exactly and rescales the blocks into the row's softmax. The target logit is h·W[target].
 */
function chunkLoss(h: tf.Tensor2D, head: LmHeadWeights, targets: Int32Array, withProbs: boolean): ChunkLoss {
  const [sum, ...probs] = tf.tidy((): tf.Tensor[] => {
    const logits = head.wTBlocks.map((block) => tf.matMul(h, block))
    const blockMax = logits.map((l) => tf.max(l, -1, true))
    const blockSoftmax = logits.map((l) => tf.softmax(l))
    const rowMax = tf.max(tf.concat(blockMax, 1), -1, true)
    // Σexp(l − rowMax) over a block = exp(blockMax − rowMax) / (the block's largest probability)
    const blockSums = blockSoftmax.map((p, i) =>
      tf.div(tf.exp(tf.sub(blockMax[i], rowMax)), tf.max(p, -1, true))
    )
    const rowSum = sumOf(blockSums)
    const lse = tf.add(rowMax, tf.log(rowSum))
    const picked = tf.sum(tf.mul(h, gatherRows(head.rows, targets)), -1)
    const total = tf.sub(tf.sum(lse), tf.sum(picked))
    if (!withProbs) return [total]
    return [total, ...blockSoftmax.map((p, i) => tf.mul(p, tf.div(blockSums[i], rowSum)))]
  })
  return { sum: sum as tf.Scalar, probs: probs as tf.Tensor2D[] }
}

/** d(loss)/dh = softmax·W − W[targets], as Σ over blocks (wTᵢ·softmaxᵢᵀ)ᵀ: plain 2-D products only. */
function chunkGrad(probs: tf.Tensor2D[], head: LmHeadWeights, targets: Int32Array): tf.Tensor2D {
  const products = probs.map((p, i) => tf.matMul(head.wTBlocks[i], tf.transpose(p)))
  return tf.sub(tf.transpose(sumOf(products)), gatherRows(head.rows, targets))
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
  const vocab = head.rows.rows
  for (const label of labels) {
    if (label !== IGNORE_INDEX && !(label >= 0 && label < vocab)) {
      throw new Error(`label ${label} is outside the vocabulary (0…${vocab - 1}) and is not -100`)
    }
  }
  const { rows, targets } = shiftedTargets(labels, batch, seqLen)
  const count = rows.length
  if (count === 0) return { lossSum: tf.scalar(0), count }
  const chunk = Math.max(1, options.chunkTokens ?? 256)
  const recompute = options.recompute ?? recomputesByDefault(count, vocab)
  const starts: number[] = []
  for (let s = 0; s < count; s += chunk) starts.push(s)
  const chunkSizes = starts.map((s) => Math.min(chunk, count - s))
  const targetsOf = (s: number): Int32Array => targets.subarray(s, Math.min(count, s + chunk))

  const lossSum = customOp([hidden], ([input]: tf.Tensor[]) => {
    const selected = tf.gather(input as tf.Tensor2D, tf.tensor1d(rows, 'int32')) as tf.Tensor2D
    const sums: tf.Scalar[] = []
    const probs: tf.Tensor2D[] = []
    const chunks = splitRows(selected, chunkSizes)
    for (const [i, s] of starts.entries()) {
      const chunkOut = chunkLoss(chunks[i], head, targetsOf(s), !recompute)
      sums.push(chunkOut.sum)
      probs.push(...chunkOut.probs)
    }
    const blocks = head.wTBlocks.length
    return {
      value: sumOf(sums) as tf.Scalar,
      // The chunks' probabilities (head column blocks, chunk by chunk), or the rows to recompute them from.
      saved: recompute ? { selected, probs: [] } : { selected: null, probs },
      gradFunc: (dy, saved) => {
        const recomputed = saved.selected === null ? [] : splitRows(saved.selected, chunkSizes)
        // One chunk at a time, so that recomputed probabilities never exist for more than a chunk.
        const dRows: tf.Tensor2D[] = starts.map((s, i) =>
          tf.tidy(() => {
            const chunkProbs = recompute
              ? chunkLoss(recomputed[i], head, targetsOf(s), true).probs
              : saved.probs.slice(i * blocks, (i + 1) * blocks)
            return chunkGrad(chunkProbs, head, targetsOf(s))
          })
        )
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
