// Causal self-attention as plain 2-D products per (batch, head) with a hand-written backward pass:
// wasm's batched/transposed matMuls run ~10× slower than plain 2-D ones (table in docs/ARCHITECTURE.md).
import * as tf from '@tensorflow/tfjs-core'
import { customOp } from './custom-op'
import { causalDropoutMask } from './dropout-mask'
import { splitRowBlocks } from './row-blocks'
import type { DropoutMasks } from './dropout-mask'

/** Added to scores that must not be attended (future positions, padding): exp() of it is exactly 0. */
export const MASKED_SCORE = -1e9

export interface AttentionShape {
  batch: number
  seqLen: number
  nHead: number
}

/**
 * `[B·T, 3E]` (q|k|v as c_attn emits them) → `[B·3H·T, D]`, so each head's q, k and v are
 * contiguous row blocks (row block `b·3H + j`, j < H for q, H ≤ j < 2H for k, 2H ≤ j for v).
 */
export function qkvToHeadRows(qkv: tf.Tensor2D, shape: AttentionShape): tf.Tensor2D {
  const { batch, seqLen, nHead } = shape
  const headDim = qkv.shape[1] / (3 * nHead)
  return tf.tidy(() =>
    tf.reshape(tf.transpose(tf.reshape(qkv, [batch, seqLen, 3 * nHead, headDim]), [0, 2, 1, 3]), [
      -1,
      headDim
    ])
  )
}

/** Causal mask plus, per batch row, the keys that `attentionMask` marks as padding (0). */
function maskBiases(seqLen: number, batch: number, attentionMask: Int32Array | null): tf.Tensor2D[] {
  const biases: tf.Tensor2D[] = []
  for (let b = 0; b < (attentionMask === null ? 1 : batch); b++) {
    const values = new Float32Array(seqLen * seqLen)
    for (let i = 0; i < seqLen; i++) {
      for (let j = 0; j < seqLen; j++) {
        let bias = j > i ? MASKED_SCORE : 0
        if (attentionMask !== null && attentionMask[b * seqLen + j] === 0) bias += MASKED_SCORE
        values[i * seqLen + j] = bias
      }
    }
    biases.push(tf.tensor2d(values, [seqLen, seqLen]))
  }
  return biases
}

/**
 * softmax(q·kᵀ/√D + mask)·v for every (batch, head); `qkv` is `[B·T, 3E]`, the result `[B·T, E]`.
 * `attentionMask` (`[B·T]`, 1 = token, 0 = padding) or null when nothing is padded. Dropout on the
 * attention probabilities in training (`dropout` given, p > 0): head j's masks are site `${key}.${j}`.
 */
export function causalSelfAttention(
  qkv: tf.Tensor2D,
  shape: AttentionShape,
  attentionMask: Int32Array | null,
  dropout: { p: number; masks: DropoutMasks; key: string } | null
): tf.Tensor2D {
  const { batch, seqLen: t, nHead: h } = shape
  const embd = qkv.shape[1] / 3
  const headDim = embd / h
  const scale = 1 / Math.sqrt(headDim)
  const useDropout = dropout !== null && dropout.p > 0
  return customOp([qkv], ([input]: tf.Tensor[]) => {
    // blocks[b·3H + j]: q of head j (j < H), k of head j − H, v of head j − 2H, each [T, D].
    const blocks = splitRowBlocks(qkvToHeadRows(input as tf.Tensor2D, shape), batch * 3 * h)
    const biases = maskBiases(t, batch, attentionMask)
    const probs: tf.Tensor2D[] = []
    const masks: tf.Tensor2D[] = []
    const perBatch: tf.Tensor2D[] = []
    const headStreams = useDropout
      ? Array.from({ length: h }, (_, j) => dropout.masks.streams(`${dropout.key}.${j}`))
      : []
    for (let b = 0; b < batch; b++) {
      const heads: tf.Tensor2D[] = []
      for (let j = 0; j < h; j++) {
        const q = tf.mul(blocks[b * 3 * h + j], scale) as tf.Tensor2D
        const kT = tf.transpose(blocks[b * 3 * h + h + j])
        const v = blocks[b * 3 * h + 2 * h + j]
        const p = tf.softmax(tf.add(tf.matMul(q, kT), biases[attentionMask === null ? 0 : b])) as tf.Tensor2D
        probs.push(p)
        let pd = p
        if (useDropout) {
          const mask = causalDropoutMask(t, dropout.p, headStreams[j](b))
          masks.push(mask)
          pd = tf.mul(p, mask)
        }
        heads.push(tf.matMul(pd, v))
      }
      perBatch.push(tf.concat(heads, 1))
    }
    return {
      value: tf.concat(perBatch, 0) as tf.Tensor2D,
      saved: { blocks, probs, masks },
      gradFunc: (dy, saved) => {
        const dOut = splitRowBlocks(
          tf.reshape(tf.transpose(tf.reshape(dy, [batch, t, h, headDim]), [0, 2, 1, 3]), [
            -1,
            headDim
          ]) as tf.Tensor2D,
          batch * h
        )
        const dBlocks: tf.Tensor2D[] = []
        for (let b = 0; b < batch; b++) {
          const dq: tf.Tensor2D[] = []
          const dk: tf.Tensor2D[] = []
          const dv: tf.Tensor2D[] = []
          for (let j = 0; j < h; j++) {
            const idx = b * h + j
            const p = saved.probs[idx]
            const pd = useDropout ? tf.mul(p, saved.masks[idx]) : p
            const dO = dOut[idx]
            const q = tf.mul(saved.blocks[b * 3 * h + j], scale) as tf.Tensor2D
            const k = saved.blocks[b * 3 * h + h + j]
            const v = saved.blocks[b * 3 * h + 2 * h + j]
            dv.push(tf.matMul(tf.transpose(pd), dO))
            let dP = tf.matMul(dO, tf.transpose(v))
            if (useDropout) dP = tf.mul(dP, saved.masks[idx])
            const dS = tf.mul(p, tf.sub(dP, tf.sum(tf.mul(dP, p), -1, true))) as tf.Tensor2D
            dq.push(tf.mul(tf.matMul(dS, k), scale) as tf.Tensor2D)
            dk.push(tf.matMul(tf.transpose(dS), q))
          }
          dBlocks.push(...dq, ...dk, ...dv)
        }
        const dRows = tf.reshape(tf.concat(dBlocks, 0), [batch, 3 * h, t, headDim])
        return tf.reshape(tf.transpose(dRows, [0, 2, 1, 3]), [batch * t, 3 * embd])
      }
    }
  })
}
