// One forward + backward pass of a LoRA model on a batch: loss sum, target-token count and the LoRA
// gradients, with every other tensor disposed; the trainer accumulates, clips and steps with these.
import * as tf from '@tensorflow/tfjs-core'
import { throwIfGpuFailed } from '../webgpu-adapter'
import { causalLmLoss, shiftedTargets } from './causal-lm-loss'
import type { LossOptions } from './causal-lm-loss'
import type { DecoderModel, ForwardMode } from './decoder-model'

/** `[batch, seqLen]` row-major; labels -100 where nothing is predicted; attentionMask 0 on right padding. */
export interface TrainBatch {
  inputIds: Int32Array
  labels: Int32Array
  attentionMask?: Int32Array | null
  batch: number
  seqLen: number
}

/** Memory-for-time settings of a gradient computation: the gradients are the same up to float rounding. */
export interface ComputeOptions {
  loss?: LossOptions
  /** Gradient checkpointing: recompute each transformer block in the backward pass. */
  recomputeBlocks?: boolean
}

export interface StepOptions extends ComputeOptions {
  /** Dropout on (training), one RNG seed per batch row; omit for an eval-mode (dropout-free) gradient. */
  dropoutSeeds?: readonly number[]
  /**
   * Gradients are of lossSum × gradScale. Default 1 / targetTokens (the batch mean); for gradient
   * accumulation pass 1 / (target tokens of all micro-batches) so the sum of the grads is the mean.
   */
  gradScale?: number
}

export interface LoraGradients {
  lossSum: number
  targetTokens: number
  /** Parallel to `model.lora.variables()`; the caller owns (and disposes) them. */
  grads: tf.Tensor[]
}

/** The same with the loss sum left on the device (the caller disposes it): nothing is read back. */
export interface LoraGradientTensors extends Omit<LoraGradients, 'lossSum'> {
  lossSum: tf.Scalar
}

/** Gradients and loss read back: one asynchronous read (GPU backends have no synchronous one). */
export async function loraGradients(
  model: DecoderModel,
  batch: TrainBatch,
  options: StepOptions = {}
): Promise<LoraGradients> {
  const g = loraGradientTensors(model, batch, options)
  const lossSum = (await g.lossSum.data())[0]
  g.lossSum.dispose()
  throwIfGpuFailed('the LoRA gradients')
  return { lossSum, targetTokens: g.targetTokens, grads: g.grads }
}

export function loraGradientTensors(
  model: DecoderModel,
  batch: TrainBatch,
  options: StepOptions = {}
): LoraGradientTensors {
  const lora = model.lora
  if (lora === null) throw new Error('the model has no LoRA adapter to train; attach one first')
  const vars = lora.variables()
  const targetTokens = shiftedTargets(batch.labels, batch.batch, batch.seqLen).rows.length
  if (targetTokens === 0) {
    return { lossSum: tf.scalar(0), targetTokens, grads: vars.map((v) => tf.zerosLike(v)) }
  }
  const scale = options.gradScale ?? 1 / targetTokens
  const mode: ForwardMode =
    options.dropoutSeeds === undefined
      ? { train: false }
      : { train: true, dropoutSeeds: options.dropoutSeeds }
  const lossOf = (): tf.Scalar => {
    const hidden = model.hiddenStates(batch, mode, { recomputeBlocks: options.recomputeBlocks ?? false })
    const { lossSum } = causalLmLoss(
      hidden,
      model.lmHead,
      batch.labels,
      batch.batch,
      batch.seqLen,
      options.loss
    )
    hidden.dispose()
    return lossSum
  }
  const dy = tf.scalar(scale)
  const { value, grads } = tf.valueAndGrads(lossOf)(vars, dy)
  dy.dispose()
  return { lossSum: value as tf.Scalar, targetTokens, grads }
}
