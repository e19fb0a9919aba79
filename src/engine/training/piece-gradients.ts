// Gradients of a list of pieces on one model, summed: what each data-parallel worker (the training
// thread included) computes for its share of a step.
import * as tf from '@tensorflow/tfjs-core'
import type { Gpt2Model } from '../model/gpt2-model'
import { loraGradients } from '../model/train-step'
import type { ComputeOptions } from '../model/train-step'
import type { GradientPiece } from './gradient-pieces'

export interface PieceGradients {
  lossSum: number
  targetTokens: number
  /** Parallel to the LoRA variables, or null when there were no pieces; the caller disposes. */
  grads: tf.Tensor[] | null
}

export function pieceGradients(
  model: Gpt2Model,
  pieces: readonly GradientPiece[],
  gradScale: number,
  compute: ComputeOptions
): PieceGradients {
  let grads: tf.Tensor[] | null = null
  let lossSum = 0
  let targetTokens = 0
  try {
    for (const p of pieces) {
      const g = loraGradients(model, p.batch, {
        ...compute,
        gradScale,
        ...(p.dropoutSeeds === null ? {} : { dropoutSeeds: p.dropoutSeeds })
      })
      lossSum += g.lossSum
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
    throw err
  }
  return { lossSum, targetTokens, grads }
}
