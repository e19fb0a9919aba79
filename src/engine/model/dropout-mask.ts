// Dropout masks drawn from the project's seeded RNG, per batch row: a row's masks are the same whether
// it is computed alone, in a batch, padded or not, or on another data-parallel worker, and a run's
// randomness is reproducible from its seed and resumable from a checkpointed RNG state.
import * as tf from '@tensorflow/tfjs-core'
import { Rng } from '../generation/rng'
import { customOp } from './custom-op'

/**
 * The mask source of one training pass: one seed per batch row, and one stream per dropout site, named
 * by a key (`h.3.attn.c_proj`, say). Row b of site k draws from (seed b, stream number of k) alone,
 * position by position, so a row's masks do not depend on the other rows of its pass nor on how far the
 * batch is padded, and asking for a key again gives the same masks: a recomputed block draws exactly
 * the masks of its forward pass by asking for its own keys. A key's stream number is the order in which
 * the pass first asked for it (embeddings, then each block's sites in forward order).
 */
export class DropoutMasks {
  private readonly streamOf = new Map<string, number>()

  constructor(private readonly seeds: readonly number[]) {
    for (const seed of seeds) {
      if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32) {
        throw new Error(`dropout seeds are unsigned 32-bit integers; got ${seed}`)
      }
    }
  }

  get rows(): number {
    return this.seeds.length
  }

  /** The streams of dropout site `key`, by batch row: the same ones every time `key` is asked for. */
  streams(key: string): (row: number) => Rng {
    let stream = this.streamOf.get(key)
    if (stream === undefined) {
      stream = this.streamOf.size
      if (stream >= 65536) throw new Error('internal: more than 65,536 dropout sites in one pass')
      this.streamOf.set(key, stream)
    }
    const n = stream
    return (row) => new Rng(this.seeds[row] * 65536 + n)
  }
}

/** A mask source whose row b draws from `seeds[b]`. */
export function dropoutMasks(seeds: readonly number[]): DropoutMasks {
  return new DropoutMasks(seeds)
}

/** Uniform draws → 0 (dropped, probability p) or 1/(1−p) (kept), as torch's inverted dropout. */
function fillMask(values: Float32Array, p: number): void {
  const keep = 1 / (1 - p)
  for (let i = 0; i < values.length; i++) values[i] = values[i] < p ? 0 : keep
}

/** Site `key`'s mask for `[batch·T, width]` activations: each batch row's block from that row's stream. */
export function rowDropoutMask(
  shape: [number, number],
  p: number,
  masks: DropoutMasks,
  key: string
): tf.Tensor2D {
  const rows = masks.rows
  if (shape[0] % rows !== 0) {
    throw new Error(`internal: ${shape[0]} activation rows do not split into ${rows} batch rows`)
  }
  const streams = masks.streams(key)
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

/** x·(site `key`'s mask) in training with p > 0, else x unchanged; the backward pass keeps only the mask. */
export function dropout(x: tf.Tensor2D, p: number, masks: DropoutMasks | null, key: string): tf.Tensor2D {
  if (masks === null || p <= 0) return x
  const mask = rowDropoutMask(x.shape, p, masks, key)
  const out = customOp([x], ([input]: tf.Tensor[]) => ({
    value: tf.mul(input, mask) as tf.Tensor2D,
    saved: { mask },
    gradFunc: (dy, saved) => tf.mul(dy, saved.mask)
  }))
  mask.dispose()
  return out
}
