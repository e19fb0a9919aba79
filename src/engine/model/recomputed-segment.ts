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
 * `segment(x, again)` as one op whose backward pass keeps only `x`: it recomputes `segment(x, true)`,
 * which must give the same value as the forward pass (the same dropout masks, say), and differentiates
 * that for `x` (when `inputGrad`; zeros otherwise) and for `params`, the trainable tensors the segment
 * reads. The forward pass itself records nothing: every intermediate is freed as soon as it is used.
 */
export function recomputedSegment(
  x: tf.Tensor2D,
  params: readonly tf.Variable[],
  inputGrad: boolean,
  segment: (input: tf.Tensor2D, again: boolean) => tf.Tensor2D
): tf.Tensor2D {
  return customOp<tf.Tensor2D>([x, ...params], ([input], save) => {
    save([input])
    return {
      value: segment(input as tf.Tensor2D, false),
      gradFunc: (dy, [savedInput]) => {
        const sx = savedInput as tf.Tensor2D
        if (!inputGrad && params.length === 0) return [tf.zerosLike(sx)]
        const xs: tf.Tensor[] = inputGrad ? [sx, ...params] : [...params]
        const grads = gradsInBackward(() => segment(sx, true), xs, dy)
        return inputGrad ? grads : [tf.zerosLike(sx), ...grads]
      }
    }
  })
}
