// Grouped-query attention's input: q, k, v projections joined into the `[rows, 3·H·D]` layout the causal
// attention core and the KV cache take, each key/value head repeated for its H/KV query heads
// (repeat_interleave, as transformers' repeat_kv); the backward pass sums each group's gradients back.
import * as tf from '@tensorflow/tfjs-core'
import { customOp } from './custom-op'

/** `q` `[rows, H·D]`, `k` and `v` `[rows, KV·D]` → `[rows, 3·H·D]` (q | k repeated | v repeated). */
export function groupedQkv(
  q: tf.Tensor2D,
  k: tf.Tensor2D,
  v: tf.Tensor2D,
  heads: number,
  kvHeads: number
): tf.Tensor2D {
  const rows = q.shape[0]
  const d = q.shape[1] / heads
  const group = heads / kvHeads
  const repeat = (x: tf.Tensor): tf.Tensor =>
    group === 1
      ? x
      : tf.reshape(tf.tile(tf.reshape(x, [rows, kvHeads, 1, d]), [1, 1, group, 1]), [rows, heads * d])
  const sumGroups = (dx: tf.Tensor): tf.Tensor =>
    group === 1 ? dx : tf.reshape(tf.sum(tf.reshape(dx, [rows, kvHeads, group, d]), 2), [rows, kvHeads * d])
  return customOp([q, k, v], ([qi, ki, vi]: tf.Tensor[]) => ({
    value: tf.concat([qi, repeat(ki), repeat(vi)], 1) as tf.Tensor2D,
    gradFunc: (dy) => {
      const [dq, dk, dv] = tf.split(dy, 3, 1)
      return [dq, sumGroups(dk), sumGroups(dv)]
    }
  }))
}
