// Dropout masks drawn from the project's seeded RNG, so a training run's randomness is reproducible
// from its seed and resumable from a checkpointed RNG state (tfjs's own dropout is not).
import * as tf from '@tensorflow/tfjs-core'
import type { Rng } from '../generation/rng'

/** A tensor of 0 (dropped, probability p) or 1/(1−p) (kept), as torch's inverted dropout. */
export function dropoutMask(shape: number[], p: number, rng: Rng): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1)
  const values = rng.fillUniform(new Float32Array(size))
  const keep = 1 / (1 - p)
  for (let i = 0; i < size; i++) values[i] = values[i] < p ? 0 : keep
  return tf.tensor(values, shape, 'float32')
}

/** Where dropout happens: only in training and only with p > 0. */
export interface DropoutContext {
  rng: Rng
}

/** x·mask in training with p > 0, else x unchanged. */
export function dropout<T extends tf.Tensor>(x: T, p: number, ctx: DropoutContext | null): T {
  if (ctx === null || p <= 0) return x
  return tf.tidy(() => tf.mul(x, dropoutMask(x.shape, p, ctx.rng))) as T
}
