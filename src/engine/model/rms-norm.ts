// RMSNorm over the last axis (w · x / sqrt(mean(x²) + eps), as transformers' LlamaRMSNorm) with a
// hand-written gradient for the input only: the weight is frozen, and the tape stays one node long.
import * as tf from '@tensorflow/tfjs-core'
import { customOp } from './custom-op'

/**
 * RMSNorm over groups of `d` = weight.shape[0] values of `x` `[rows, k·d]`: k = 1 is transformers'
 * RMSNorm over the hidden state, k = heads is Qwen3's q_norm / k_norm over each head.
 * dx = r·(g − x̂·mean(g·x̂)) with g = dy·w, x̂ = x·r, r = 1/rms.
 */
export function rmsNorm(x: tf.Tensor2D, weight: tf.Tensor1D, eps: number): tf.Tensor2D {
  const [rows, width] = x.shape
  const groups: [number, number] = [(rows * width) / weight.shape[0], weight.shape[0]]
  return customOp([x], ([input]: tf.Tensor[]) => {
    const x2 = tf.reshape(input, groups)
    const rstd = tf.rsqrt(tf.add(tf.mean(tf.square(x2), -1, true), eps))
    const xhat = tf.mul(x2, rstd)
    return {
      value: tf.reshape(tf.mul(xhat, weight), [rows, width]) as tf.Tensor2D,
      saved: { xhat, rstd },
      gradFunc: (dy, saved) => {
        const g = tf.mul(tf.reshape(dy, groups), weight)
        const meanGx = tf.mean(tf.mul(g, saved.xhat), -1, true)
        return tf.reshape(tf.mul(saved.rstd, tf.sub(g, tf.mul(saved.xhat, meanGx))), [rows, width])
      }
    }
  })
}
