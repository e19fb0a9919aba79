// The gated MLP activation of Llama and Qwen, silu(gate)·up, as one op with a hand-written gradient:
// a few elementwise kernels instead of the tape's sigmoid/mul chain, and σ(gate) kept instead of recomputed.
import * as tf from '@tensorflow/tfjs-core'
import { customOp } from './custom-op'

/** silu(g)·u with silu(g) = g·σ(g); d/dg = dy·u·σ(g)·(1 + g·(1 − σ(g))), d/du = dy·silu(g). */
export function swiglu(gate: tf.Tensor2D, up: tf.Tensor2D): tf.Tensor2D {
  return customOp([gate, up], ([g, u]: tf.Tensor[]) => {
    const s = tf.sigmoid(g)
    const act = tf.mul(g, s)
    return {
      value: tf.mul(act, u) as tf.Tensor2D,
      saved: { g, u, s, act },
      gradFunc: (dy, saved) => {
        const slope = tf.mul(saved.s, tf.add(1, tf.mul(saved.g, tf.sub(1, saved.s))))
        return [tf.mul(tf.mul(dy, saved.u), slope), tf.mul(dy, saved.act)]
      }
    }
  })
}
