// tfjs-core's Node bundle registers no gradients (the full @tensorflow/tfjs does). The model's graph
// needs only three outside its custom ops: Add (residuals), Multiply (dropout) and Relu; register those.
import * as tf from '@tensorflow/tfjs-core'

function reduceTo(grad: tf.Tensor, shape: number[], outShape: number[]): tf.Tensor {
  const axes = tf.backend_util.getReductionAxes(shape, outShape)
  return axes.length > 0 ? tf.reshape(tf.sum(grad, axes), shape) : grad
}

const configs: tf.GradConfig[] = [
  {
    kernelName: tf.Add,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved) => {
      const [a, b] = saved
      const out = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape)
      const d = dy as tf.Tensor
      return { a: () => reduceTo(d, a.shape, out), b: () => reduceTo(d, b.shape, out) }
    }
  },
  {
    kernelName: tf.Multiply,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved) => {
      const [a, b] = saved
      const out = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape)
      const d = dy as tf.Tensor
      return { a: () => reduceTo(tf.mul(d, b), a.shape, out), b: () => reduceTo(tf.mul(d, a), b.shape, out) }
    }
  },
  {
    kernelName: tf.Relu,
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const [x] = saved
      return { x: () => tf.mul(dy as tf.Tensor, tf.cast(tf.greater(x, 0), 'float32')) }
    }
  }
]

/** Registers the gradients the model needs unless something (e.g. @tensorflow/tfjs) already did. */
export function registerModelGradients(): void {
  for (const config of configs) {
    if (tf.getGradient(config.kernelName) === undefined) tf.registerGradient(config)
  }
}
