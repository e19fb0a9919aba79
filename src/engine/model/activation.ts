// GPT-2's MLP activation: gelu_new (the tanh approximation, also named gelu_pytorch_tanh / gelu_fast)
// or relu, with a hand-written gradient so a block's backward pass is a few elementwise kernels.
import * as tf from '@tensorflow/tfjs-core'
import type { Gpt2Activation } from '../formats/hf-config'
import { customOp } from './custom-op'

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI)
const CUBIC = 0.044715

/** 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), exactly HF's NewGELUActivation. */
export function geluNew(x: tf.Tensor2D): tf.Tensor2D {
  return customOp<tf.Tensor2D>([x], ([x2], save) => {
    const x3 = tf.mul(tf.mul(x2, x2), x2)
    const t = tf.tanh(tf.mul(tf.add(x2, tf.mul(x3, CUBIC)), SQRT_2_OVER_PI))
    save([x2, t])
    return {
      value: tf.mul(tf.mul(x2, 0.5), tf.add(t, 1)) as tf.Tensor2D,
      gradFunc: (dy, saved) => {
        const [sx, st] = saved
        // d/dx = 0.5(1+t) + 0.5·x·(1−t²)·√(2/π)·(1 + 3·0.044715·x²)
        const left = tf.mul(tf.add(st, 1), 0.5)
        const sech2 = tf.sub(1, tf.square(st))
        const inner = tf.mul(tf.add(tf.mul(tf.square(sx), 3 * CUBIC), 1), SQRT_2_OVER_PI * 0.5)
        return tf.mul(dy, tf.add(left, tf.mul(tf.mul(sx, sech2), inner)))
      }
    }
  })
}

/** max(0, x); the backward pass keeps only the output (dy where it is positive). */
function relu(x: tf.Tensor2D): tf.Tensor2D {
  return customOp<tf.Tensor2D>([x], ([input], save) => {
    const y = tf.relu(input) as tf.Tensor2D
    save([y])
    return { value: y, gradFunc: (dy, [savedY]) => tf.mul(dy, tf.step(savedY)) }
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
