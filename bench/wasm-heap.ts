// Whether a training case can run on wasm at all: one wasm instance addresses 4 GiB, and a model whose
// step needs more aborts inside a kernel (tfjs's profiler then hides why). The bench asks the engine's own
// fit check (what the Train form reads) before building the model, and refuses with the numbers instead.
import type { LossOptions } from '../src/engine/model/causal-lm-loss'
import { fromLoraConfig } from '../src/engine/training/lora-settings'
import { wasmFit } from '../src/engine/training/wasm-fit'
import type { TrainCase } from './cases'

const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(2)} GiB`

export interface WasmRun {
  recomputeBlocks: boolean
  loss?: LossOptions
  /** Rows the training thread computes at once: the whole batch when it is timed alone. */
  rows: number
}

/** Why `c` cannot train on wasm as `run` says, or null when the engine's estimate fits the heap. */
export function wasmHeapRefusal(c: TrainCase, run: WasmRun): string | null {
  const { recomputeBlocks, loss } = run
  const fit = wasmFit(c.config, {
    batchSize: c.batch,
    seqLength: c.seqLen,
    lora: fromLoraConfig(c.lora),
    ...(loss?.chunkTokens === undefined ? {} : { logitsChunkTokens: loss.chunkTokens }),
    gradientCheckpointing: recomputeBlocks,
    trainingThreadRows: run.rows
  })
  if (fit.advice === 'fits') return null
  const heap = `the engine estimates ${gib(fit.heapBytes)} of wasm heap for its training thread`
  const limit = `wasm's ${gib(fit.limitBytes)}`
  if (fit.advice === 'recompute' && fit.recomputedHeapBytes !== null) {
    return `${c.name} does not fit ${limit} heap: ${heap}; run it with --recompute-blocks (${gib(fit.recomputedHeapBytes)}) or --backend webgpu`
  }
  const recomputed =
    fit.recomputedHeapBytes === null ? '' : ` (${gib(fit.recomputedHeapBytes)} with blocks recomputed)`
  return `${c.name} does not fit ${limit} heap${recomputeBlocks ? ' even with blocks recomputed' : ''}: ${heap}${recomputed}; run it with --backend webgpu (or tensorflow)`
}
