// Rotary position embeddings as transformers' Llama/Qwen apply them: inv_freq = θ^(−2i/d) (with Llama 3's
// frequency-dependent rescaling when configured), angles duplicated over both halves, and
// x·cos + rotate_half(x)·sin per head, as a custom op whose backward pass is the inverse rotation.
import * as tf from '@tensorflow/tfjs-core'
import type { Llama3RopeScaling } from '../formats/llama-config'
import { customOp } from './custom-op'

/** The d/2 inverse frequencies, in float64, with `rope_scaling` type "llama3" applied as transformers does. */
export function ropeInverseFrequencies(
  headDim: number,
  theta: number,
  scaling: Llama3RopeScaling | null
): Float64Array {
  const half = headDim / 2
  const inv = new Float64Array(half)
  for (let i = 0; i < half; i++) inv[i] = 1 / theta ** ((2 * i) / headDim)
  if (scaling === null) return inv
  // transformers' _compute_llama3_parameters: long wavelengths divided by `factor`, short ones kept,
  // the band between them blended smoothly.
  const { factor, lowFreqFactor, highFreqFactor, originalMaxPositionEmbeddings: old } = scaling
  const lowFreqWavelen = old / lowFreqFactor
  const highFreqWavelen = old / highFreqFactor
  for (let i = 0; i < half; i++) {
    const wavelen = (2 * Math.PI) / inv[i]
    if (wavelen > lowFreqWavelen) inv[i] = inv[i] / factor
    else if (wavelen >= highFreqWavelen) {
      const smooth = (old / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor)
      inv[i] = ((1 - smooth) * inv[i]) / factor + smooth * inv[i]
    }
  }
  return inv
}

/**
 * cos and sin `[rows, d]` of each row's position angles (float64, then float32, as transformers), kept on
 * the host: each rotation uploads its own copy, so a block recomputed in the backward pass needs nothing
 * from the pass that made them.
 */
export interface RopeTables {
  rows: number
  d: number
  cos: Float32Array
  sin: Float32Array
}

export function ropeTables(positions: Int32Array, invFreq: Float64Array): RopeTables {
  const half = invFreq.length
  const d = 2 * half
  const cos = new Float32Array(positions.length * d)
  const sin = new Float32Array(positions.length * d)
  for (let r = 0; r < positions.length; r++) {
    for (let i = 0; i < half; i++) {
      const angle = positions[r] * invFreq[i]
      const c = Math.cos(angle)
      const s = Math.sin(angle)
      cos[r * d + i] = cos[r * d + half + i] = c
      sin[r * d + i] = sin[r * d + half + i] = s
    }
  }
  return { rows: positions.length, d, cos, sin }
}

/** rotate_half: [x1, x2] → [−x2, x1] over the last axis; `inverse` gives its transpose [x2, −x1]. */
function rotateHalf(x: tf.Tensor3D, inverse: boolean): tf.Tensor3D {
  const [rows, heads, d] = x.shape
  const x1 = tf.slice(x, [0, 0, 0], [rows, heads, d / 2])
  const x2 = tf.slice(x, [0, 0, d / 2], [rows, heads, d / 2])
  return (inverse ? tf.concat([x2, tf.neg(x1)], 2) : tf.concat([tf.neg(x2), x1], 2)) as tf.Tensor3D
}

/**
 * Rotates every head of `x` (`[rows, heads·d]`, row r at the position of `tables` row r):
 * y = x·cos + rotate_half(x)·sin, and dx = dy·cos + rotate_halfᵀ(dy·sin).
 */
export function applyRotary(x: tf.Tensor2D, tables: RopeTables, heads: number): tf.Tensor2D {
  const [rows, width] = x.shape
  const d = width / heads
  if (tables.rows !== rows || tables.d !== d) {
    throw new Error(`internal: rotary tables [${tables.rows}, ${tables.d}] for [${rows}, ${heads}·${d}]`)
  }
  return customOp([x], ([input]: tf.Tensor[]) => {
    const cos = tf.tensor3d(tables.cos, [rows, 1, d])
    const sin = tf.tensor3d(tables.sin, [rows, 1, d])
    const x3 = tf.reshape(input, [rows, heads, d]) as tf.Tensor3D
    const y = tf.add(tf.mul(x3, cos), tf.mul(rotateHalf(x3, false), sin))
    return {
      value: tf.reshape(y, [rows, width]) as tf.Tensor2D,
      saved: { cos, sin },
      gradFunc: (dy, saved) => {
        const d3 = tf.reshape(dy, [rows, heads, d]) as tf.Tensor3D
        const dx = tf.add(tf.mul(d3, saved.cos), rotateHalf(tf.mul(d3, saved.sin) as tf.Tensor3D, true))
        return tf.reshape(dx, [rows, width])
      }
    }
  })
}
