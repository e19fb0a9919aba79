// Causal self-attention as plain 2-D products per (batch, key/value head) with a hand-written backward pass:
// wasm's batched/transposed matMuls run ~10× slower than plain 2-D ones (table in docs/ARCHITECTURE.md).
import * as tf from '@tensorflow/tfjs-core'
import { customOp } from './custom-op'
import { causalDropoutMask } from './dropout-mask'
import { splitRowBlocks, splitRows } from './row-blocks'
import type { DropoutMasks } from './dropout-mask'

/** Added to scores that must not be attended (future positions, padding): exp() of it is exactly 0. */
export const MASKED_SCORE = -1e9

export interface AttentionShape {
  batch: number
  seqLen: number
  /** Query heads. */
  nHead: number
  /** Key/value heads (grouped-query attention: each serves nHead / kvHeads consecutive query heads). */
  kvHeads: number
}

/** Heads in a q|k|v row: every query head, then the key heads, then the value heads. */
export function qkvHeadCount(shape: Pick<AttentionShape, 'nHead' | 'kvHeads'>): number {
  return shape.nHead + 2 * shape.kvHeads
}

/**
 * `[B·T, (H + 2KV)·D]` (q|k|v as the projections emit them) → `[B·(H + 2KV)·T, D]`, so each head's q, k
 * and v are contiguous row blocks (per batch row: the H query heads, the KV key heads, the KV value heads).
 */
export function qkvToHeadRows(qkv: tf.Tensor2D, shape: AttentionShape): tf.Tensor2D {
  const { batch, seqLen } = shape
  const count = qkvHeadCount(shape)
  const headDim = qkv.shape[1] / count
  return tf.tidy(() =>
    tf.reshape(tf.transpose(tf.reshape(qkv, [batch, seqLen, count, headDim]), [0, 2, 1, 3]), [-1, headDim])
  )
}

/** `[B·H·T, D]` (head-major rows) ↔ `[B·T, H·D]` (token rows), the attention output's two layouts. */
function headRowsToTokens(rows: tf.Tensor, batch: number, heads: number, t: number): tf.Tensor2D {
  const d = rows.size / (batch * heads * t)
  return tf.reshape(tf.transpose(tf.reshape(rows, [batch, heads, t, d]), [0, 2, 1, 3]), [
    batch * t,
    heads * d
  ])
}

/**
 * Causal mask plus, per batch row, the keys that `attentionMask` marks as padding (0), repeated for the
 * `group` query heads stacked on each key head: `[group·T, T]`.
 */
function maskBiases(
  seqLen: number,
  batch: number,
  attentionMask: Int32Array | null,
  group: number
): tf.Tensor2D[] {
  const biases: tf.Tensor2D[] = []
  for (let b = 0; b < (attentionMask === null ? 1 : batch); b++) {
    const values = new Float32Array(group * seqLen * seqLen)
    for (let i = 0; i < seqLen; i++) {
      for (let j = 0; j < seqLen; j++) {
        let bias = j > i ? MASKED_SCORE : 0
        if (attentionMask !== null && attentionMask[b * seqLen + j] === 0) bias += MASKED_SCORE
        for (let g = 0; g < group; g++) values[(g * seqLen + i) * seqLen + j] = bias
      }
    }
    biases.push(tf.tensor2d(values, [group * seqLen, seqLen]))
  }
  return biases
}

/**
 * softmax(q·kᵀ/√D + mask)·v for every (batch, head); `qkv` is `[B·T, (H + 2KV)·D]`, the result `[B·T, H·D]`.
 * Grouped-query attention without repeating keys and values: the H/KV query heads that share a key head
 * are stacked into one `[group·T, D]` block, so each key/value head takes one product per direction and
 * its gradient sums its group's for free (`dK = dSᵀ·Q` over the stacked rows).
 * `attentionMask` (`[B·T]`, 1 = token, 0 = padding) or null when nothing is padded. Dropout on the
 * attention probabilities in training (`dropout` given, p > 0): head j's masks are site `${key}.${j}`.
 */
export function causalSelfAttention(
  qkv: tf.Tensor2D,
  shape: AttentionShape,
  attentionMask: Int32Array | null,
  dropout: { p: number; masks: DropoutMasks; key: string } | null
): tf.Tensor2D {
  const { batch, seqLen: t, nHead: h, kvHeads: kv } = shape
  const group = h / kv
  const headDim = qkv.shape[1] / qkvHeadCount(shape)
  const scale = 1 / Math.sqrt(headDim)
  const useDropout = dropout !== null && dropout.p > 0
  // Per batch row: kv query groups [group·T, D], then kv key heads and kv value heads [T, D].
  const blockRows = Array.from({ length: batch }, () => [
    ...new Array<number>(kv).fill(group * t),
    ...new Array<number>(2 * kv).fill(t)
  ]).flat()
  const perBatch = 3 * kv
  return customOp([qkv], ([input]: tf.Tensor[]) => {
    const blocks = splitRows(qkvToHeadRows(input as tf.Tensor2D, shape), blockRows)
    const biases = maskBiases(t, batch, attentionMask, group)
    const probs: tf.Tensor2D[] = []
    const masks: tf.Tensor2D[] = []
    const outs: tf.Tensor2D[] = []
    const headStreams = useDropout
      ? Array.from({ length: h }, (_, j) => dropout.masks.streams(`${dropout.key}.${j}`))
      : []
    for (let b = 0; b < batch; b++) {
      for (let g = 0; g < kv; g++) {
        const q = tf.mul(blocks[b * perBatch + g], scale) as tf.Tensor2D
        const kT = tf.transpose(blocks[b * perBatch + kv + g])
        const v = blocks[b * perBatch + 2 * kv + g]
        const p = tf.softmax(tf.add(tf.matMul(q, kT), biases[attentionMask === null ? 0 : b])) as tf.Tensor2D
        probs.push(p)
        let pd = p
        if (useDropout) {
          const heads = Array.from({ length: group }, (_, i) =>
            causalDropoutMask(t, dropout.p, headStreams[g * group + i](b))
          )
          const mask = group === 1 ? heads[0] : (tf.concat(heads, 0) as tf.Tensor2D)
          masks.push(mask)
          pd = tf.mul(p, mask)
        }
        outs.push(tf.matMul(pd, v))
      }
    }
    return {
      value: headRowsToTokens(tf.concat(outs, 0), batch, h, t),
      saved: { blocks, probs, masks },
      gradFunc: (dy, saved) => {
        const dOut = splitRowBlocks(
          tf.reshape(tf.transpose(tf.reshape(dy, [batch, t, h, headDim]), [0, 2, 1, 3]), [
            -1,
            headDim
          ]) as tf.Tensor2D,
          batch * kv
        )
        const dBlocks: tf.Tensor2D[] = []
        for (let b = 0; b < batch; b++) {
          const dq: tf.Tensor2D[] = []
          const dk: tf.Tensor2D[] = []
          const dv: tf.Tensor2D[] = []
          for (let g = 0; g < kv; g++) {
            const idx = b * kv + g
            const p = saved.probs[idx]
            const pd = useDropout ? tf.mul(p, saved.masks[idx]) : p
            const dO = dOut[idx]
            const q = tf.mul(saved.blocks[b * perBatch + g], scale) as tf.Tensor2D
            const k = saved.blocks[b * perBatch + kv + g]
            const v = saved.blocks[b * perBatch + 2 * kv + g]
            dv.push(tf.matMul(tf.transpose(pd), dO))
            let dP = tf.matMul(dO, tf.transpose(v))
            if (useDropout) dP = tf.mul(dP, saved.masks[idx])
            const dS = tf.mul(p, tf.sub(dP, tf.sum(tf.mul(dP, p), -1, true))) as tf.Tensor2D
            dq.push(tf.mul(tf.matMul(dS, k), scale) as tf.Tensor2D)
            dk.push(tf.matMul(tf.transpose(dS), q))
          }
          dBlocks.push(...dq, ...dk, ...dv)
        }
        return headRowsToTokens(tf.concat(dBlocks, 0), batch, qkvHeadCount(shape), t)
      }
    }
  })
}
