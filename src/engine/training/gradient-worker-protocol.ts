// Messages between the engine's training thread and its data-parallel gradient workers (worker
// threads): the model once (its config, GPT-2 or Llama family, and weights in shared memory), then per step the LoRA weights and the pieces.
import type { BackendName } from '../../shared/system'
import type { DecoderConfig } from '../formats/decoder-folder'
import type { WeightArray } from '../model/frozen-weights'
import type { LoraConfig } from '../model/lora'
import type { ComputeOptions } from '../model/train-step'
import type { GradientPiece } from './gradient-pieces'

export interface WorkerModel {
  /** Either family's parsed config (plain data, so it crosses the thread boundary as is). */
  config: DecoderConfig
  lora: LoraConfig
  /** Frozen weights, backed by SharedArrayBuffers so every worker reads the same memory. */
  weights: ReadonlyMap<string, WeightArray>
}

export type ToGradientWorker =
  | { kind: 'init'; backend: BackendName; model: WorkerModel }
  | {
      kind: 'step'
      id: number
      /** Current LoRA weights, parallel to `LoraAdapter.variables()`. */
      loraWeights: Float32Array[]
      pieces: GradientPiece[]
      gradScale: number
      /** The training thread's loss and recomputation settings, so every worker computes alike. */
      compute: ComputeOptions
    }

export type FromGradientWorker =
  | { kind: 'ready' }
  | {
      kind: 'result'
      id: number
      lossSum: number
      targetTokens: number
      /** Summed over the pieces, parallel to `LoraAdapter.variables()`. */
      grads: Float32Array[]
      /** The worker's tensor memory after the step (its model and LoRA copies). */
      tfBytes: number
    }
  | { kind: 'error'; id: number | null; message: string }
