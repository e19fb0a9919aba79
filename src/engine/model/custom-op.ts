// A typed front for tf.customGrad: the engine's ops declare their inputs, forward value and a
// hand-written backward pass (tfjs types the save callback as a tensor-or-function union).
import * as tf from '@tensorflow/tfjs-core'

export interface CustomOpResult<T extends tf.Tensor> {
  value: T
  /** Gradients for every input, in order, given dy and what the forward pass saved. */
  gradFunc: (dy: T, saved: tf.Tensor[]) => tf.Tensor | tf.Tensor[]
}

/**
 * Runs `forward` on `inputs` as one tape node. Intermediates are disposed after the forward pass:
 * anything the backward pass needs (inputs included) must go through `save`.
 */
export function customOp<T extends tf.Tensor>(
  inputs: tf.Tensor[],
  forward: (inputs: tf.Tensor[], save: tf.GradSaveFunc) => CustomOpResult<T>
): T {
  const op = tf.customGrad<T>((...args) => {
    const save = args[args.length - 1] as tf.GradSaveFunc
    const { value, gradFunc } = forward(args.slice(0, -1) as tf.Tensor[], save)
    // tfjs runs a custom gradient outside any tidy: without one, every intermediate of the backward
    // pass would live until the whole backward pass ends (hundreds of MB per GPT-2-small layer).
    return { value, gradFunc: (dy: T, saved: tf.Tensor[]) => tf.tidy(() => gradFunc(dy, saved)) }
  })
  return op(...inputs)
}
