// Side-by-side join of 2-D tensors as one tape node: tfjs-core alone registers no gradient for Concat,
// so the backward pass splits dy back into each part's columns. The Llama families join q | k | v this way
// (key/value heads as they are, fewer than the query heads with grouped-query attention).
import * as tf from '@tensorflow/tfjs-core'
import { customOp } from './custom-op'

/** `[rows, a]`, `[rows, b]`, … → `[rows, a + b + …]`. */
export function joinColumns(parts: tf.Tensor2D[]): tf.Tensor2D {
  const widths = parts.map((p) => p.shape[1])
  return customOp(parts, (inputs: tf.Tensor[]) => ({
    value: tf.concat(inputs, 1) as tf.Tensor2D,
    gradFunc: (dy) => tf.split(dy, widths, 1)
  }))
}
