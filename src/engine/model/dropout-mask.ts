// Dropout masks drawn from the project's seeded RNG, per batch row: a row's masks are the same whether
// it is computed alone, in a batch, padded or not, or on another data-parallel worker, and a run's
// randomness is reproducible from its seed and resumable from a checkpointed RNG state.
import * as tf from '@tensorflow/tfjs-core'
import { Rng } from '../generation/rng'
import { customOp } from './custom-op'

/**
 * Where dropout happens: in training, from one seed per batch row. Each dropout op draws row b's
 * values from a stream of (seed b, op index) alone, position by position, so a row's masks do not
 * depend on the other rows of its pass nor on how far the batch is padded.
 */
export class DropoutContext {
  constructor(
    private readonly seeds: readonly number[],
    private op = 0
  ) {
    for (const seed of seeds) {
      if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32) {
        throw new Error(`dropout seeds are unsigned 32-bit integers; got ${seed}`)
      }
    }
  }

  get rows(): number {
    return this.seeds.length
  }

  /** The index of the next dropout op (where a recomputation of what follows starts). */
  get position(): number {
    return this.op
  }

  /** A context that draws again the masks of op `position` onward: a recomputed pass gets the same ones. */
  replayFrom(position: number): DropoutContext {
    return new DropoutContext(this.seeds, position)
  }

  /** The streams of the next dropout op, by batch row. */
  nextOp(): (row: number) => Rng {
    const op = this.op++
    if (op >= 65536) throw new Error('internal: more than 65,536 dropout ops in one pass')
    return (row) => new Rng(this.seeds[row] * 65536 + op)
  }
}

/** A context whose row b draws from `seeds[b]`. */
export function dropoutContext(seeds: readonly number[]): DropoutContext {
  return new DropoutContext(seeds)
}

/** Uniform draws → 0 (dropped, probability p) or 1/(1−p) (kept), as torch's inverted dropout. */
function fillMask(values: Float32Array, p: number): void {
  const keep = 1 / (1 - p)
  for (let i = 0; i < values.length; i++) values[i] = values[i] < p ? 0 : keep
}

/** A mask for `[batch·T, width]` activations: each batch row's block from that row's stream. */
export function rowDropoutMask(shape: [number, number], p: number, ctx: DropoutContext): tf.Tensor2D {
  const rows = ctx.rows
  if (shape[0] % rows !== 0) {
    throw new Error(`internal: ${shape[0]} activation rows do not split into ${rows} batch rows`)
  }
  const streams = ctx.nextOp()
  const values = new Float32Array(shape[0] * shape[1])
  const block = values.length / rows
  for (let b = 0; b < rows; b++) streams(b).fillUniform(values.subarray(b * block, (b + 1) * block))
  fillMask(values, p)
  return tf.tensor2d(values, shape)
}

/**
 * A `[T, T]` mask for causal attention probabilities: query i draws its i + 1 visible keys in order,
 * so the values do not depend on T; future keys (probability 0 anyway) get 0.
 */
export function causalDropoutMask(t: number, p: number, rng: Rng): tf.Tensor2D {
  const values = new Float32Array(t * t)
  for (let i = 0; i < t; i++) rng.fillUniform(values.subarray(i * t, i * t + i + 1))
  const keep = 1 / (1 - p)
  for (let i = 0; i < t; i++) {
    for (let j = 0; j < t; j++) values[i * t + j] = j <= i && values[i * t + j] >= p ? keep : 0
  }
  return tf.tensor2d(values, [t, t])
}

/** x·mask in training with p > 0, else x unchanged; the backward pass keeps only the mask. */
export function dropout(x: tf.Tensor2D, p: number, ctx: DropoutContext | null): tf.Tensor2D {
  if (ctx === null || p <= 0) return x
  const mask = rowDropoutMask(x.shape, p, ctx)
  const out = customOp<tf.Tensor2D>([x], ([input], save) => {
    save([mask])
    return { value: tf.mul(input, mask) as tf.Tensor2D, gradFunc: (dy, [savedMask]) => tf.mul(dy, savedMask) }
  })
  mask.dispose()
  return out
}
