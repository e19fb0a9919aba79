// What main and the engine exchange about training: the `train` job's input and result, the
// progress it streams, and the small jobs beside it (control of a running run, estimate, export).
import type {
  CheckpointInfo,
  RunConfigValues,
  RunEstimate,
  RunMetric,
  RunStatusName,
  WorkersWhy
} from './runs'
import type { ExportAbout } from './exports'

export interface TrainJobInput {
  runId: number
  /** runs/<id>/: checkpoints/ and adapter/ are written under it. */
  runDir: string
  config: RunConfigValues
  /** Tokenized records, one JSON object a line: `{"input_ids": [...], "labels": [...]}`. */
  trainFile: string
  /** Tokenized validation records; null with a `split` validation (held out of trainFile) or none. */
  validationFile: string | null
  /** A checkpoint folder (runs/<id>/checkpoints/step-N) to continue exactly from, or null. */
  resumeFrom: string | null
}

/** How a train job ended; `failed` carries the reason and the last good checkpoint. */
export interface TrainJobOutput {
  status: Extract<RunStatusName, 'completed' | 'stopped' | 'failed'>
  step: number
  totalSteps: number
  message: string | null
  /** Final PEFT adapter folder (completed runs). */
  adapterPath: string | null
  lastCheckpoint: CheckpointInfo | null
  peakRssBytes: number
  peakTfBytes: number
}

export type TrainProgress =
  | {
      kind: 'started'
      totalSteps: number
      stepsPerEpoch: number
      /** Sequences of at most maxLength tokens the run trains and evaluates on (after packing or truncation). */
      trainSamples: number
      validationSamples: number
      estimate: RunEstimate
      resumedFromStep: number
      /** Data-parallel workers computing the gradients (the training thread included). */
      workers: number
      /** Why that many. */
      workersWhy: WorkersWhy
    }
  | { kind: 'metric'; metric: RunMetric }
  | { kind: 'checkpoint'; checkpoint: CheckpointInfo; removed: number[] }
  | { kind: 'status'; status: Extract<RunStatusName, 'running' | 'paused'>; message: string | null }

export interface TrainControlInput {
  runId: number
  action: 'pause' | 'resume' | 'stop'
}

export interface EstimateJobInput {
  baseModel: string
  config: RunConfigValues
}

/** The run config tried on each of these model folders, each with its family's LoRA targets. */
export interface WasmFitsJobInput {
  baseModels: string[]
  config: RunConfigValues
}

export interface ExportJobInput {
  baseModel: string
  adapterDir: string
  format: 'peft' | 'merged'
  outDir: string
  /** Replace an earlier export of ours at outDir (the user said yes). */
  overwrite: boolean
  /** LoRA Studio's data folder, which an export never replaces nor writes into outside exports/. */
  dataDir: string
  /**
   * What a PEFT export's adapter_config.json names as base_model_name_or_path: the Hub id for a model
   * that came from the Hub (as PEFT writes it), else the base model's folder.
   */
  baseModelName: string
  /**
   * Recorded in a PEFT export's marker file (not in adapter_config.json, which PEFT checks), so chat and
   * Continue-from on the folder know them: the run's prompt template and its base model's registered name.
   */
  about: ExportAbout
}

/** One measured optimizer step before a run starts, and what it predicts. */
export interface DryRunResult {
  stepS: number
  tokensPerS: number
  totalSteps: number
  etaS: number
  peakRssBytes: number
  peakTfBytes: number
  estimate: RunEstimate
}

export interface DryRunJobInput {
  config: RunConfigValues
  trainFile: string
  validationFile: string | null
}
