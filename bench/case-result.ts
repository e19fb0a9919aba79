// What one bench case reports back from its child process to the CLI (over IPC, or as --json output):
// speed, memory, FLOPs and efficiency, with CPU time beside wall time so figures from a busy machine read right.
import type { ImportCaseResult } from './import-case'
import type { KernelProfile } from './kernel-profile'
import type { MatMulSpeed } from './matmul-probe'

export interface CaseResult {
  case: string
  kind: 'train' | 'generate'
  description: string
  backend: string
  backendReason: string
  /** Timed repetitions (steps, or generate calls) after one warm-up. */
  repeats: number
  /** Training: tokens of a step ÷ median step time. Generation: new tokens ÷ decode time (after prefill). */
  tokensPerS: number
  /** Training: median optimizer-step time. Generation: median time per decoded token. */
  stepMs: number
  stepMsAll: number[]
  /** CPU time (user + system, all threads) of the same unit, median. */
  cpuMs: number
  /** cpuMs ÷ stepMs: below 1 when the process waited for a core (a loaded machine). */
  cpuShare: number
  /** Tokens per CPU second: the speed the process would reach with a core to itself. */
  tokensPerCpuS: number
  flopsPerStep: number
  achievedGflops: number
  achievedGflopsCpu: number
  matMul: MatMulSpeed
  /** achievedGflops ÷ (workers × matMul.gflopsWall): 1.0 is every worker's core at the matMul's speed. */
  efficiency: number
  /** achievedGflops by CPU time (all threads) ÷ the matMul's by CPU time: independent of how busy the machine was. */
  efficiencyCpu: number
  /** Highest RSS sampled between steps (JavaScript cannot sample inside one). */
  peakRssSampledBytes: number
  /** The kernel's VmHWM after setup (Linux), which includes peaks inside steps; null elsewhere. */
  peakRssBytes: number | null
  /** RSS once the model is built, before the first step. */
  setupRssBytes: number
  /** tfjs's peak of live tensor bytes during the warm-up step (tf.profile). */
  tfPeakBytes: number
  /** Tensors left over per step (should be 0). */
  leakedTensorsPerStep: number
  setupMs: number
  /** Training: data-parallel workers of the timed steps (the training thread included). */
  workers?: number
  /** Training: the same steps on the training thread alone, timed in the same process. */
  singleWorker?: { tokensPerS: number; stepMs: number }
  /** Training: single-worker step time ÷ the workers' step time. */
  speedup?: number
  /** Training: mean loss of the last step (a sanity value: ≈ ln(vocab) for random weights). */
  loss?: number
  /** Training: the loss settings as run (`recompute` as the loss chose it when not forced). */
  lossSettings?: { chunkTokens?: number; recompute?: boolean }
  /** Training: whether each block was recomputed in the backward pass (--recompute-blocks). */
  recomputeBlocks?: boolean
  /** Generation only. */
  prefillMs?: number
  prefillGflops?: number
  promptTokens?: number
  newTokens?: number
  profile?: KernelProfile
}

/** The PyTorch reference run for a training case, or why it was skipped. */
export interface TorchReference {
  case: string
  tokensPerS: number | null
  stepS: number | null
  line: string
  skipped: string | null
}

export interface BenchReport {
  results: CaseResult[]
  failures: { case: string; error: string }[]
  torch: TorchReference[]
  /** The dataset-import case (`--case import-jsonl-500mb`), when named. */
  imports: ImportCaseResult[]
}
