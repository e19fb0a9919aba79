// Dropout masks drawn from the project's seeded RNG, so a training run's randomness is reproducible
// from its seed and resumable from a checkpointed RNG state (tfjs's own dropout is not).
import * as tf from '@tensorflow/tfjs-core'
import type { Rng } from '../generation/rng'
import { customOp } from './custom-op'

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

/** x·mask in training with p > 0, else x unchanged; the backward pass keeps only the mask. */
export function dropout<T extends tf.Tensor>(x: T, p: number, ctx: DropoutContext | null): T {
  if (ctx === null || p <= 0) return x
  const mask = dropoutMask(x.shape, p, ctx.rng)
  const out = customOp<T>([x], ([input], save) => {
    save([mask])
    return { value: tf.mul(input, mask) as T, gradFunc: (dy, [savedMask]) => tf.mul(dy, savedMask) }
  })
  mask.dispose()
  return out
}
