// Gradients of a list of pieces on one model, summed: what each data-parallel worker (the training
// thread included) computes for its share of a step. Nothing is read back: the loss stays on the device.
import * as tf from '@tensorflow/tfjs-core'
import type { DecoderModel } from '../model/decoder-model'
import { loraGradientTensors } from '../model/train-step'
import type { ComputeOptions } from '../model/train-step'
import type { GradientPiece } from './gradient-pieces'

export interface PieceGradients {
  /** On the device (the caller disposes it). */
  lossSum: tf.Scalar
  targetTokens: number
  /** Parallel to the LoRA variables, or null when there were no pieces; the caller disposes. */
  grads: tf.Tensor[] | null
}

export function pieceGradients(
  model: DecoderModel,
  pieces: readonly GradientPiece[],
  gradScale: number,
  compute: ComputeOptions
): PieceGradients {
  let grads: tf.Tensor[] | null = null
  let lossSum: tf.Scalar = tf.scalar(0)
  let targetTokens = 0
  try {
    for (const p of pieces) {
      const g = loraGradientTensors(model, p.batch, {
        ...compute,
        gradScale,
        ...(p.dropoutSeeds === null ? {} : { dropoutSeeds: p.dropoutSeeds })
      })
      const prevLoss = lossSum
      lossSum = tf.add(prevLoss, g.lossSum)
      tf.dispose([prevLoss, g.lossSum])
      targetTokens += g.targetTokens
      if (grads === null) grads = g.grads
      else {
        const prev: tf.Tensor[] = grads
        grads = prev.map((a, i) => tf.add(a, g.grads[i]))
        tf.dispose([...prev, ...g.grads])
      }
    }
  } catch (err) {
    if (grads !== null) tf.dispose(grads)
    lossSum.dispose()
    throw err
  }
  return { lossSum, targetTokens, grads }
}
