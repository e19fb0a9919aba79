// LayerNorm over the last axis (biased variance, eps inside the sqrt, as torch.nn.LayerNorm) with a
// hand-written gradient for the input only: the affine weights are frozen, and the tape stays short.
import * as tf from '@tensorflow/tfjs-core'
import { customOp } from './custom-op'
import type { LayerNormWeights } from './frozen-weights'

export function layerNorm(x: tf.Tensor2D, weights: LayerNormWeights, eps: number): tf.Tensor2D {
  return customOp([x], ([x2]: tf.Tensor[]) => {
    const mean = tf.mean(x2, -1, true)
    const centred = tf.sub(x2, mean)
    const variance = tf.mean(tf.square(centred), -1, true)
    const rstd = tf.rsqrt(tf.add(variance, eps))
    const xhat = tf.mul(centred, rstd)
    return {
      value: tf.add(tf.mul(xhat, weights.gamma), weights.beta) as tf.Tensor2D,
      saved: { xhat, rstd },
      gradFunc: (dy, saved) => {
        const dxhat = tf.mul(dy, weights.gamma)
        const meanD = tf.mean(dxhat, -1, true)
        const meanDx = tf.mean(tf.mul(dxhat, saved.xhat), -1, true)
        return tf.mul(saved.rstd, tf.sub(tf.sub(dxhat, meanD), tf.mul(saved.xhat, meanDx)))
      }
    }
  })
}
