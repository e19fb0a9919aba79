// GPT-2's MLP activation: gelu_new (the tanh approximation, also named gelu_pytorch_tanh / gelu_fast)
// or relu, with a hand-written gradient so a block's backward pass is a few elementwise kernels.
import * as tf from '@tensorflow/tfjs-core'
import type { Gpt2Activation } from '../formats/hf-config'
import { customOp } from './custom-op'

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI)
const CUBIC = 0.044715

/**
 * 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), exactly HF's NewGELUActivation, computed as x·σ(2z) with
 * z the tanh argument (0.5·(1 + tanh z) = σ(2z)): wasm's sigmoid kernel is vectorised, its tanh is ~20×
 * slower. The backward pass keeps x and s = σ(2z): dy·(s + x·s·(1 − s)·2·√(2/π)·(1 + 3·0.044715·x²)).
 */
export function geluNew(x: tf.Tensor2D): tf.Tensor2D {
  return customOp([x], ([input]: tf.Tensor[]) => {
    const twoZ = tf.mul(
      input,
      tf.add(tf.mul(tf.square(input), 2 * SQRT_2_OVER_PI * CUBIC), 2 * SQRT_2_OVER_PI)
    )
    const s = tf.sigmoid(twoZ)
    return {
      value: tf.mul(input, s) as tf.Tensor2D,
      saved: { x: input, s },
      gradFunc: (dy, saved) => {
        const slope = tf.add(tf.mul(tf.square(saved.x), 6 * SQRT_2_OVER_PI * CUBIC), 2 * SQRT_2_OVER_PI)
        return tf.mul(
          dy,
          tf.add(saved.s, tf.mul(tf.mul(tf.mul(saved.x, saved.s), tf.sub(1, saved.s)), slope))
        )
      }
    }
  })
}

/** max(0, x); the backward pass keeps only the output (dy where it is positive). */
function relu(x: tf.Tensor2D): tf.Tensor2D {
  return customOp([x], ([input]: tf.Tensor[]) => {
    const y = tf.relu(input) as tf.Tensor2D
    return { value: y, saved: { y }, gradFunc: (dy, saved) => tf.mul(dy, tf.step(saved.y)) }
  })
}

export function activationFor(name: Gpt2Activation): (x: tf.Tensor2D) => tf.Tensor2D {
  switch (name) {
    case 'gelu_new':
    case 'gelu_pytorch_tanh':
    case 'gelu_fast':
      return geluNew
    case 'relu':
      return relu
    default:
      throw new Error(
        `activation_function "${name}" is not supported yet; LoRA Studio runs gelu_new (GPT-2's own), gelu_pytorch_tanh, gelu_fast and relu`
      )
  }
}
