// The residual connection x + f(x) as an op whose backward pass keeps nothing: tfjs's own Add keeps
// both inputs alive until backprop ends, two [tokens, embd] tensors per residual for nothing.
import * as tf from '@tensorflow/tfjs-core'
import { customOp } from './custom-op'

export function residualAdd(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return customOp([a, b], ([x, y]: tf.Tensor[]) => ({
    value: tf.add(x, y) as tf.Tensor2D,
    gradFunc: (dy) => [dy, tf.clone(dy)]
  }))
}
