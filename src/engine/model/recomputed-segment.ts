// Gradient checkpointing: a segment of the forward pass (a transformer block) as one custom op that keeps
// only its input, and in the backward pass runs the segment again under its own tape for the gradients.
import * as tf from '@tensorflow/tfjs-core'
import { customOp } from './custom-op'

/**
 * tf.grads from inside a backward pass. tfjs has one active tape: a gradients call made while none is
 * being recorded starts a fresh tape and sets it to null when done, which would take the outer
 * backward pass's tape from under it (its saved tensors would never be freed). The outer one is put back.
 */
function gradsInBackward(f: () => tf.Tensor, xs: tf.Tensor[], dy: tf.Tensor): tf.Tensor[] {
  const state = tf.engine().state
  const outer = state.activeTape
  try {
    return tf.grads(() => f())(xs, dy)
  } finally {
    state.activeTape = outer
  }
}

/**
 * `segment(x)` as one op whose backward pass keeps only `x`: it runs `segment(x)` again, which must give
 * the same value as the forward pass (so it must draw the same dropout masks), and differentiates that
 * for `x` (when `inputGrad`; zeros otherwise) and for `params`, the trainable tensors the segment reads.
 * The forward pass itself records nothing: every intermediate is freed as soon as it is used.
 */
export function recomputedSegment(
  x: tf.Tensor2D,
  params: readonly tf.Variable[],
  inputGrad: boolean,
  segment: (input: tf.Tensor2D) => tf.Tensor2D
): tf.Tensor2D {
  return customOp([x, ...params], ([input]: tf.Tensor[]) => ({
    value: segment(input as tf.Tensor2D),
    saved: { input },
    gradFunc: (dy: tf.Tensor2D, saved) => {
      const sx = saved.input as tf.Tensor2D
      if (!inputGrad && params.length === 0) return [tf.zerosLike(sx)]
      const xs: tf.Tensor[] = inputGrad ? [sx, ...params] : [...params]
      const grads = gradsInBackward(() => segment(sx), xs, dy)
      return inputGrad ? grads : [tf.zerosLike(sx), ...grads]
    }
  }))
}
