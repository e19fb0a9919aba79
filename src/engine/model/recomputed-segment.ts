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

/**
 * Runs blocks 0…count−1 in order on `x`, disposing each block's input, then `final` (the last norm) on the
 * result. Block i's input needs a gradient
 * only when an earlier block has a trainable tensor (`params`: a block's LoRA A and B). With `recompute`
 * each block is one segment that keeps only its input; the backward pass runs it again on the same mask
 * source, whose sites give the same dropout masks when asked again.
 */
export function runBlocks(
  x: tf.Tensor2D,
  count: number,
  params: (i: number) => tf.Variable[],
  block: (i: number, input: tf.Tensor2D, inputGrad: boolean) => tf.Tensor2D,
  recompute: boolean,
  final: (x: tf.Tensor2D) => tf.Tensor2D
): tf.Tensor2D {
  let trainableBefore = false
  for (let i = 0; i < count; i++) {
    const inputGrad = trainableBefore
    const own = params(i)
    const next = recompute
      ? recomputedSegment(x, own, inputGrad, (input) => block(i, input, inputGrad))
      : block(i, x, inputGrad)
    x.dispose()
    x = next
    trainableBefore ||= own.length > 0
  }
  const out = final(x)
  x.dispose()
  return out
}
