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
  /** The fastest of the timed steps (generation: per decoded token): on a busy host the closest to the real speed. */
  fastestStepMs: number
  /** Tokens/s of the fastest step; ratios against PyTorch use this. */
  fastestTokensPerS: number
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
  /** Training: the engine's estimate of this case's peak process RSS (memory-estimate.ts), for peakRssBytes. */
  memoryEstimateBytes?: number
  /** Training: the estimate's tensor memory of the training thread, for tfPeakBytes. */
  tensorEstimateBytes?: number
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

/**
 * One run of tools/pytorch/torch_lora_bench.py (training: a step is an optimizer step) or
 * torch_generate_bench.py (generation: a step is one run's time per decoded token, as ours): median and fastest.
 */
export interface TorchRun {
  /** Whether it ran just before or just after our case. */
  when: 'before' | 'after'
  /** Generation: the prompt's prefill (median over the runs). */
  prefillS?: number
  /** Generation: CPU time of the process per step (median): the speed it would have with a core to itself. */
  cpuStepS?: number
  stepS: number
  tokensPerS: number
  fastestStepS: number
  fastestTokensPerS: number
  line: string
}

/**
 * The PyTorch reference for a case, run right before and right after it (a noisy host swings
 * between runs), or why it was skipped. `fastestTokensPerS` is the fastest step of both runs.
 */
export interface TorchReference {
  case: string
  runs: TorchRun[]
  fastestTokensPerS: number | null
  skipped: string | null
}

export interface BenchReport {
  results: CaseResult[]
  failures: { case: string; error: string }[]
  torch: TorchReference[]
  /** The dataset-import case (`--case import-jsonl-500mb`), when named. */
  imports: ImportCaseResult[]
}
