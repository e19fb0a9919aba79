// The message protocol between main and an engine process. The same messages travel over
// Electron's utilityProcess port and over Node's child_process IPC channel.
import type { ApiErrorPayload } from './errors'
import type * as ev from './evaluation'
import type * as gp from './generation-protocol'
import type { InferenceEstimate, RunEstimate, WasmFit } from './runs'
import type { BackendInfo } from './system'
import type * as tp from './training-protocol'

export interface EngineSystemInfo {
  backend: BackendInfo
  tfjsVersion: string
  pid: number
  memory: { rssBytes: number; heapUsedBytes: number }
}

/** Every job an engine can run: its input and its result. */
export interface EngineJobs {
  ping: { input: Record<string, never>; output: { pong: true; pid: number; uptimeMs: number } }
  systemInfo: { input: Record<string, never>; output: EngineSystemInfo }
  /** Diagnostic: keeps the engine busy for `ms` or until cancelled (tests of cancel and crash handling). */
  sleep: { input: { ms: number }; output: { sleptMs: number } }
  /** Trains one run to its end (or stop/failure), streaming `trainProgress`; see training-protocol.ts. */
  train: { input: tp.TrainJobInput; output: tp.TrainJobOutput }
  /** Pauses, resumes or stops the run a `train` job in this engine is training. */
  trainControl: { input: tp.TrainControlInput; output: { accepted: boolean } }
  estimateRun: { input: tp.EstimateJobInput; output: RunEstimate }
  /** On wasm: whether the run fits each model (null where its folder cannot be read); null on another backend. */
  wasmFits: { input: tp.WasmFitsJobInput; output: (WasmFit | null)[] | null }
  /** What chatting with the model in this engine takes, at its full context. */
  estimateInference: { input: { baseModel: string }; output: InferenceEstimate }
  /** Two real steps on the run's data, nothing written: step time, tokens/s and the ETA. */
  dryRun: { input: tp.DryRunJobInput; output: tp.DryRunResult }
  exportAdapter: { input: tp.ExportJobInput; output: { outDir: string } }
  /** Answers a prompt with a model (and adapter), streaming `generateToken`; see generation-protocol.ts. */
  generate: { input: gp.GenerateJobInput; output: gp.GenerateJobOutput }
  /** Perplexity of a base model and adapters on tokenized samples, streaming `perplexityProgress`; see evaluation.ts. */
  perplexity: { input: ev.PerplexityJobInput; output: ev.PerplexityJobOutput }
}
export type EngineJobName = keyof EngineJobs

/** Each job as a person would name it, for "… failed: <reason>" (no job names, no "engine"). */
export const jobWords: Record<EngineJobName, string> = {
  ping: 'The health check',
  systemInfo: 'Reading the system information',
  sleep: 'The test wait',
  train: 'Training',
  trainControl: 'Pausing, resuming or stopping the run',
  estimateRun: 'Estimating the run’s memory',
  wasmFits: 'Checking which models fit the wasm heap',
  estimateInference: 'Estimating the memory for chatting',
  dryRun: 'The dry run (two steps on your data)',
  exportAdapter: 'Exporting the adapter',
  generate: 'Writing the answer',
  perplexity: 'Evaluating perplexity'
}

/** Progress an engine reports while a job runs, tagged with the job's request id. */
export interface EngineEvents {
  log: { level: 'info' | 'warn' | 'error'; message: string }
  trainProgress: tp.TrainProgress
  generateToken: gp.GenerateTokenEvent
  perplexityProgress: ev.PerplexityProgressEvent
}
export type EngineEventName = keyof EngineEvents

export type EngineRequest = {
  [J in EngineJobName]: { kind: 'request'; id: number; job: J; input: EngineJobs[J]['input'] }
}[EngineJobName]

export interface EngineCancel {
  kind: 'cancel'
  id: number
}

/** Asks the engine to cancel every job, answer them, and exit with code 0. */
export interface EngineShutdown {
  kind: 'shutdown'
}

export type MainToEngine = EngineRequest | EngineCancel | EngineShutdown

export type EngineResponse =
  | { kind: 'response'; id: number; ok: true; result: unknown }
  | { kind: 'response'; id: number; ok: false; error: ApiErrorPayload }

export type EngineEventMessage = {
  [E in EngineEventName]: { kind: 'event'; id: number | null; event: E; data: EngineEvents[E] }
}[EngineEventName]

export interface EngineReady {
  kind: 'ready'
  pid: number
}

export type EngineToMain = EngineResponse | EngineEventMessage | EngineReady

export function isEngineToMain(value: unknown): value is EngineToMain {
  if (typeof value !== 'object' || value === null) return false
  const kind = (value as { kind?: unknown }).kind
  return kind === 'response' || kind === 'event' || kind === 'ready'
}
