// Global-norm gradient clipping as torch.nn.utils.clip_grad_norm_: the L2 norm of all gradients
// together, scaled by min(1, max_norm / (norm + 1e-6)); tfjs has no global-norm clipping of its own.
import * as tf from '@tensorflow/tfjs-core'

export interface ClippedGrads {
  /** New tensors (the caller disposes them and, separately, the inputs). */
  grads: tf.Tensor[]
  /** The norm before clipping, as clip_grad_norm_ returns it. */
  totalNorm: number
}

export function clipGradNorm(grads: readonly tf.Tensor[], maxNorm: number): ClippedGrads {
  if (!(maxNorm > 0)) throw new Error(`max_grad_norm must be positive; got ${maxNorm}`)
  if (grads.length === 0) return { grads: [], totalNorm: 0 }
  const [total, clipped] = tf.tidy(() => {
    const norms = grads.map((g) => tf.sqrt(tf.sum(tf.square(g))))
    const totalNorm = tf.sqrt(tf.sum(tf.square(tf.stack(norms))))
    const coef = tf.minimum(tf.div(tf.scalar(maxNorm), tf.add(totalNorm, 1e-6)), 1)
    return [totalNorm, grads.map((g) => tf.mul(g, coef))] as const
  })
  const totalNorm = total.dataSync()[0]
  total.dispose()
  return { grads: clipped, totalNorm }
}
