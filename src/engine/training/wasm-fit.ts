// Whether a training step fits one wasm instance's heap (4 GiB: wasm32's address space) and, when it
// does not, whether recomputation (gradient checkpointing) brings it under: what the Train form says
// before suggesting the GPU backend. Reads the same estimate the run records.
import type { MemoryEstimate, WasmFit } from '../../shared/runs'
import type { DecoderConfig } from '../model/lora'
import { estimateTrainingMemory, type EstimateOptions } from './memory-estimate'

/** wasm32 addresses at most 4 GiB; tfjs's wasm backend cannot grow its heap beyond it. */
export const WASM_HEAP_LIMIT_BYTES = 4 * 2 ** 30
/**
 * The estimate is held to ±15 % of what a step measures, so a step fits only with that much room left: a
 * SmolLM2-135M step at 2 × 256 estimated at 3.96 GiB aborted inside a kernel.
 */
const ESTIMATE_MARGIN = 1.15

const fitsHeap = (bytes: number) => bytes * ESTIMATE_MARGIN <= WASM_HEAP_LIMIT_BYTES

/** The wasm heap of the training thread: its tensors and its backend buffers (the runtime lives outside it). */
function heapOf(estimate: MemoryEstimate): number {
  const buffers = estimate.components.find((c) => c.key === 'backendBuffers')?.bytes ?? 0
  return estimate.tensorBytes + buffers
}

export function wasmFit(config: DecoderConfig, opts: EstimateOptions): WasmFit {
  const wasm = { ...opts, backend: 'wasm' as const }
  const heapBytes = heapOf(estimateTrainingMemory(config, wasm))
  const base = { heapBytes, limitBytes: WASM_HEAP_LIMIT_BYTES }
  if (fitsHeap(heapBytes)) return { ...base, advice: 'fits', recomputedHeapBytes: null }
  if (opts.gradientCheckpointing) return { ...base, advice: 'gpu', recomputedHeapBytes: null }
  const recomputedHeapBytes = heapOf(estimateTrainingMemory(config, { ...wasm, gradientCheckpointing: true }))
  return {
    ...base,
    recomputedHeapBytes,
    advice: fitsHeap(recomputedHeapBytes) ? 'recompute' : 'gpu'
  }
}
