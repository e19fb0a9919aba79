// Global-norm gradient clipping as torch.nn.utils.clip_grad_norm_: the L2 norm of all gradients
// together, scaled by min(1, max_norm / (norm + 1e-6)); tfjs has no global-norm clipping of its own.
// The norm stays on the device, so that the trainer reads it with the loss in the step's one read.
import * as tf from '@tensorflow/tfjs-core'

export interface ClippedGrads {
  /** New tensors (the caller disposes them and, separately, the inputs). */
  grads: tf.Tensor[]
  /** The norm before clipping, as clip_grad_norm_ returns it (a scalar the caller disposes). */
  totalNorm: tf.Scalar
}

/** The L2 norm of all gradients together, as a scalar on the device. */
export function globalNorm(grads: readonly tf.Tensor[]): tf.Scalar {
  if (grads.length === 0) return tf.scalar(0)
  return tf.tidy(() => {
    const norms = grads.map((g) => tf.sqrt(tf.sum(tf.square(g))))
    return tf.sqrt(tf.sum(tf.square(tf.stack(norms)))) as tf.Scalar
  })
}

export function clipGradNorm(grads: readonly tf.Tensor[], maxNorm: number): ClippedGrads {
  if (!(maxNorm > 0)) throw new Error(`max_grad_norm must be positive; got ${maxNorm}`)
  const totalNorm = globalNorm(grads)
  const clipped = tf.tidy(() => {
    const coef = tf.minimum(tf.div(tf.scalar(maxNorm), tf.add(totalNorm, 1e-6)), 1)
    return grads.map((g) => tf.mul(g, coef))
  })
  return { grads: clipped, totalNorm }
}
