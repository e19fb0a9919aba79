// One step's gradients over every worker: the training thread computes its own share while the
// worker threads compute theirs, then the sums are added in worker order. The result does not
// depend on the number of workers beyond float rounding (rows are independent, dropout is per row).
import * as tf from '@tensorflow/tfjs-core'
import type { DecoderModel } from '../model/decoder-model'
import type { ComputeOptions } from '../model/train-step'
import { sharePieces } from './gradient-pieces'
import type { MicroBatch } from './gradient-pieces'
import type { GradientWorkers, WorkerResult } from './gradient-workers'
import { pieceGradients } from './piece-gradients'

export interface StepGradients {
  /** On the device (the caller disposes it): the trainer reads it with the gradient norm, in one read. */
  lossSum: tf.Scalar
  targetTokens: number
  /** Parallel to the LoRA variables; the caller disposes. */
  grads: tf.Tensor[]
  /** Tensor memory held by the worker threads after the step (0 without workers). */
  workerTfBytes: number
}

type Settled = { ok: true; results: (WorkerResult | null)[] } | { ok: false; error: unknown }

export async function dataParallelGradients(
  model: DecoderModel,
  workers: GradientWorkers | null,
  micro: readonly MicroBatch[],
  gradScale: number,
  compute: ComputeOptions = {}
): Promise<StepGradients> {
  const vars = model.lora?.variables()
  if (vars === undefined) throw new Error('the model has no LoRA adapter to train; attach one first')
  const shares = sharePieces(micro, 1 + (workers?.size ?? 0))
  // The workers need this step's LoRA weights: read them (copies, since cpu hands out its own arrays).
  const weights =
    workers === null
      ? []
      : await Promise.all(vars.map(async (v) => ((await v.data()) as Float32Array).slice()))
  const remote: Promise<Settled> =
    workers === null
      ? Promise.resolve({ ok: true, results: [] })
      : workers.compute(shares.slice(1), weights, gradScale, compute).then(
          (results): Settled => ({ ok: true, results }),
          (error: unknown): Settled => ({ ok: false, error })
        )
  let local: ReturnType<typeof pieceGradients>
  try {
    local = pieceGradients(model, shares[0], gradScale, compute)
  } catch (err) {
    await remote
    throw err
  }
  const settled = await remote
  if (!settled.ok) {
    if (local.grads !== null) tf.dispose(local.grads)
    local.lossSum.dispose()
    throw settled.error
  }
  let lossSum = local.lossSum
  let targetTokens = local.targetTokens
  let workerTfBytes = 0
  let grads = local.grads ?? vars.map((v) => tf.zerosLike(v))
  for (const r of settled.results) {
    if (r === null) continue
    targetTokens += r.targetTokens
    workerTfBytes += r.tfBytes
    const prev = grads
    const prevLoss = lossSum
    grads = tf.tidy(() => prev.map((g, i) => tf.add(g, tf.tensor(r.grads[i], g.shape))))
    lossSum = tf.tidy(() => tf.add(prevLoss, r.lossSum))
    tf.dispose([...prev, prevLoss])
  }
  return { lossSum, targetTokens, grads, workerTfBytes }
}
