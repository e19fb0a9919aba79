// Holds a training estimate against the WebGPU adapter's limits before a run starts. WebGPU tells how large
// one buffer (maxBufferSize) and one shader binding (maxStorageBufferBindingSize) may be, but not how much
// memory the GPU has: the largest tensor of a step is checked, the total is only shown.
import type { GpuFit, RunEstimate, StepTensor } from '../../shared/runs'
import type { GpuAdapterInfo } from '../../shared/system'
import type { DecoderConfig } from '../model/lora'
import { describeAdapter } from '../webgpu-adapter'
import { largestStepTensor } from './memory-estimate'
import type { EstimateOptions } from './memory-estimate'

const MiB = 2 ** 20
const mib = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`

export interface FitInput {
  batchSize: number
  seqLength: number
  largestTensor: StepTensor
  /** The whole estimate, for the note (not checked: WebGPU has no total). */
  totalBytes: number
}

/** Tensors that grow with batch × length: a smaller batch or shorter sequences make them fit. */
const perToken = new Set(['MLP activations', 'q|k|v'])

function problemOf(input: FitInput, limit: number, adapter: string): GpuFit['problem'] {
  const t = input.largestTensor
  const needs =
    `a step of batch ${input.batchSize} × ${input.seqLength} tokens makes a ${mib(t.bytes)} tensor ` +
    `(${t.name} [${t.shape.join(', ')}]), but ${adapter} holds at most ${mib(limit)} in one tensor ` +
    '(WebGPU maxStorageBufferBindingSize / maxBufferSize)'
  if (perToken.has(t.name)) {
    const bytesPerToken = t.bytes / (input.batchSize * input.seqLength)
    const maxTokens = Math.floor(limit / bytesPerToken)
    const maxBatch = Math.floor(maxTokens / input.seqLength)
    if (maxBatch >= 1) {
      return {
        path: 'batchSize',
        message:
          `Batch size ${input.batchSize} does not fit this GPU: ${needs}. Use batch size ${maxBatch} or less ` +
          '(gradient accumulation keeps the effective batch)'
      }
    }
    return {
      path: 'maxLength',
      message: `Max length ${input.seqLength} does not fit this GPU even at batch size 1: ${needs}. Use max length ${maxTokens} or less`
    }
  }
  if (t.name === 'attention scores of one head') {
    return {
      path: 'maxLength',
      message: `Max length ${input.seqLength} does not fit this GPU: ${needs}. Use a shorter max length`
    }
  }
  return {
    path: 'baseModel',
    message: `This model does not fit this GPU: ${needs}. Use a smaller model or another backend (LORA_STUDIO_BACKEND=wasm)`
  }
}

/** The estimate held against `adapter`'s per-tensor limits, with what to change when it does not fit. */
export function gpuFit(input: FitInput, adapter: GpuAdapterInfo): GpuFit {
  const limit = Math.min(adapter.maxStorageBufferBindingSize, adapter.maxBufferSize)
  const described = describeAdapter(adapter)
  const fits = input.largestTensor.bytes <= limit
  return {
    adapter: described,
    largestTensor: input.largestTensor,
    limitBytes: limit,
    fits,
    problem: fits ? null : problemOf(input, limit, described),
    note:
      `the ${mib(input.totalBytes)} estimate is GPU memory; WebGPU does not report how much memory the GPU has, ` +
      `so only the largest tensor (${mib(input.largestTensor.bytes)}, at most ${mib(limit)}) is checked`
  }
}

/** `estimate` with its GPU check when the backend runs on a WebGPU adapter; unchanged otherwise. */
export function withGpuFit(
  estimate: RunEstimate,
  shape: DecoderConfig,
  opts: EstimateOptions,
  adapter: GpuAdapterInfo | undefined
): RunEstimate {
  if (adapter === undefined) return estimate
  const input: FitInput = {
    batchSize: opts.batchSize,
    seqLength: opts.seqLength,
    largestTensor: largestStepTensor(shape, opts),
    totalBytes: estimate.memory.totalBytes
  }
  return { ...estimate, gpu: gpuFit(input, adapter) }
}
