// Schemas and types of training runs: the one run configuration (with Hugging Face Trainer's and
// PEFT's defaults where the user gives nothing), the presets, and what a run reports as it trains.
import { z } from 'zod'
import { wordsParse } from './issue-words'
import type { BackendName } from './system'

export const LrSchedule = z.enum(['constant', 'linear', 'cosine'])
export type LrScheduleName = z.infer<typeof LrSchedule>

/** Where the training records come from: an imported dataset or a tokenized JSONL file. */
export const DataSource = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('dataset'), id: z.number().int().positive() }),
  /** One JSON object per line: `{"input_ids": [...], "labels": [...]}` (labels optional: all trained). */
  z.strictObject({ kind: z.literal('file'), path: z.string().min(1) })
])
export type DataSourceSpec = z.infer<typeof DataSource>

export const ValidationSource = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('none') }),
  /** Hold out this share of the training records (seeded by the run's seed). */
  z.strictObject({ kind: z.literal('split'), ratio: z.number().gt(0).lt(1) }),
  z.strictObject({ kind: z.literal('dataset'), id: z.number().int().positive() }),
  z.strictObject({ kind: z.literal('file'), path: z.string().min(1) })
])
export type ValidationSourceSpec = z.infer<typeof ValidationSource>

const loraShape = {
  r: z.number().int().min(1).max(1024),
  alpha: z.number().positive(),
  dropout: z.number().min(0).lt(1),
  /** PEFT matching: exact module name or a `.`-suffix (`c_proj` hits attention and MLP). */
  targetModules: z.array(z.string().min(1)).min(1),
  rsLora: z.boolean()
}
export const LoraSettings = z.strictObject(loraShape)
export type LoraSettingsConfig = z.infer<typeof LoraSettings>

const configShape = {
  /** Base model: an HF-layout folder (config.json + model.safetensors + tokenizer files). */
  baseModel: z.string().min(1),
  data: DataSource,
  validation: ValidationSource,
  /** Prompt template name, for datasets formatted at run time and for chat later. */
  template: z.string().min(1),
  maxLength: z.number().int().min(2).max(65536),
  /** Pack records into maxLength blocks instead of padding each one. */
  packing: z.boolean(),
  epochs: z.number().positive(),
  /** When set, overrides epochs (HF `max_steps`). */
  maxSteps: z.number().int().positive().nullable(),
  batchSize: z.number().int().min(1).max(4096),
  gradientAccumulation: z.number().int().min(1).max(4096),
  learningRate: z.number().positive().max(10),
  schedule: LrSchedule,
  warmupSteps: z.number().int().min(0),
  /** Used when warmupSteps is 0 (HF: warmup_steps wins over warmup_ratio). */
  warmupRatio: z.number().min(0).max(1),
  weightDecay: z.number().min(0),
  maxGradNorm: z.number().min(0),
  adamBeta1: z.number().min(0).lt(1),
  adamBeta2: z.number().min(0).lt(1),
  adamEpsilon: z.number().positive(),
  lora: LoraSettings,
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1),
  /** Evaluate on the validation records every N optimizer steps; null: only at the end. */
  evalEvery: z.number().int().positive().nullable(),
  /** Checkpoint every N optimizer steps (HF `save_steps`). */
  saveEvery: z.number().int().positive(),
  /** Keep only the last K step checkpoints (plus the best by eval loss); null keeps all. */
  keepLast: z.number().int().positive().nullable(),
  /** Start from this PEFT adapter folder instead of a fresh LoRA init ("continue training"). */
  initAdapter: z.string().min(1).nullable(),
  /**
   * Data-parallel engine workers, each with its own copy of the model, computing gradients for a share of
   * each step's rows; null = one per CPU core (capped by memory). The losses do not depend on it (up to
   * float rounding).
   */
  workers: z.number().int().min(1).max(64).nullable(),
  /**
   * HF `gradient_checkpointing`: recompute each transformer block (and each chunk of the LM head's
   * logits) in the backward pass instead of keeping its activations, so long sequences and large batches
   * fit in memory, at roughly one more forward pass per step. The losses do not depend on it.
   */
  gradientCheckpointing: z.boolean()
}

/** A complete run configuration, as stored with the run. */
export const RunConfig = z.strictObject(configShape)
export type RunConfigValues = z.infer<typeof RunConfig>

/** What a user may give: any subset; the rest comes from a preset or the defaults. */
export const RunConfigPatch = z.strictObject({ ...configShape, lora: LoraSettings.partial() }).partial()
export type RunConfigPatchValues = z.infer<typeof RunConfigPatch>

/** Hugging Face Trainer's defaults (TrainingArguments) and PEFT LoraConfig's (GPT-2 targets c_attn). */
export const runDefaults: Omit<RunConfigValues, 'baseModel' | 'data'> = {
  validation: { kind: 'none' },
  template: 'human-assistant',
  maxLength: 1024,
  packing: false,
  epochs: 3,
  maxSteps: null,
  batchSize: 8,
  gradientAccumulation: 1,
  learningRate: 5e-5,
  schedule: 'linear',
  warmupSteps: 0,
  warmupRatio: 0,
  weightDecay: 0,
  maxGradNorm: 1.0,
  adamBeta1: 0.9,
  adamBeta2: 0.999,
  adamEpsilon: 1e-8,
  lora: { r: 8, alpha: 8, dropout: 0, targetModules: ['c_attn'], rsLora: false },
  seed: 42,
  evalEvery: null,
  saveEvery: 500,
  keepLast: null,
  initAdapter: null,
  workers: null,
  gradientCheckpointing: false
}

export const presetNames = ['gpt2-blog-recipe', 'quick-test', 'instruction-tuning'] as const
export type PresetName = (typeof presetNames)[number]

/** Named starting points; the user's own fields override them. */
export const presets: Record<
  PresetName,
  { label: string; description: string; fields: RunConfigPatchValues }
> = {
  'gpt2-blog-recipe': {
    label: 'GPT-2 blog recipe',
    description:
      'LoRA r 16, alpha 32, dropout 0.1 on attn.c_attn + attn.c_proj; 1024-token blocks, 1 epoch, lr 5e-5 linear.',
    fields: {
      lora: { r: 16, alpha: 32, dropout: 0.1, targetModules: ['attn.c_attn', 'attn.c_proj'], rsLora: false },
      maxLength: 1024,
      packing: true,
      epochs: 1,
      learningRate: 5e-5,
      schedule: 'linear'
    }
  },
  'quick-test': {
    label: 'Quick test',
    description: '20 steps on short sequences to check that data, model and settings work together.',
    fields: {
      lora: { r: 4, alpha: 8, dropout: 0, targetModules: ['c_attn'], rsLora: false },
      maxLength: 128,
      maxSteps: 20,
      batchSize: 2,
      learningRate: 1e-3,
      schedule: 'constant',
      saveEvery: 10,
      keepLast: 2
    }
  },
  'instruction-tuning': {
    label: 'Instruction tuning',
    description:
      'Human/Assistant template, prompt masked; LoRA r 16 on attn.c_attn + attn.c_proj, 3 epochs, lr 2e-4 cosine, 3% warmup.',
    fields: {
      template: 'human-assistant',
      lora: { r: 16, alpha: 32, dropout: 0.05, targetModules: ['attn.c_attn', 'attn.c_proj'], rsLora: false },
      maxLength: 512,
      packing: false,
      epochs: 3,
      batchSize: 4,
      gradientAccumulation: 4,
      learningRate: 2e-4,
      schedule: 'cosine',
      warmupRatio: 0.03,
      weightDecay: 0.01
    }
  }
}

/**
 * The full configuration: defaults, then the preset, then the user's fields (`lora` merged field
 * by field). Throws a ZodError naming the field when the result is incomplete or invalid.
 */
export function resolveRunConfig(
  preset: PresetName | null | undefined,
  user: RunConfigPatchValues
): RunConfigValues {
  const fromPreset = preset ? presets[preset].fields : {}
  const lora = { ...runDefaults.lora, ...fromPreset.lora, ...user.lora }
  return RunConfig.parse({ ...runDefaults, ...fromPreset, ...user, lora }, wordsParse)
}

/**
 * A configuration as stored with a run, completed with the defaults of fields added since it was stored
 * (e.g. `workers`), so that older runs show, clone and resume as before.
 */
export function storedRunConfig(stored: unknown): RunConfigValues {
  return { ...runDefaults, ...(stored as RunConfigValues) }
}

export const RunStatus = z.enum([
  'queued',
  'running',
  'paused',
  'completed',
  'failed',
  'stopped',
  'interrupted'
])
export type RunStatusName = z.infer<typeof RunStatus>

// Which status may follow which, and who moves a run: src/shared/run-states.ts.

/** The parts of a memory estimate, by stable key (the UI names each in its language). */
export type MemoryPart =
  | 'frozenWeights'
  | 'transposedWeights'
  | 'loraWeights'
  | 'loraGradients'
  | 'adamMoments'
  | 'activations'
  | 'autodiffIntermediates'
  | 'attentionScores'
  | 'logits'
  | 'savedProbabilities'
  | 'backendBuffers'
  | 'runtime'
  | 'workerCopies'
  | 'kvCache'

export interface MemoryComponent {
  key: MemoryPart
  name: string
  bytes: number
  /** In English (estimates stored before `facts` have only this). */
  detail: string
  /** The detail as facts, worded by the renderer as train.estimate.details.<key>; `…Bytes` values are sizes. */
  facts?: MemoryFacts
}

export interface MemoryFacts {
  key: MemoryDetailKey
  values: Record<string, number>
}

/** A part's detail, with the variants a part has (checkpointed, measured, wasm). */
export type MemoryDetailKey =
  | MemoryPart
  | 'activationsCheckpointed'
  | 'attentionScoresCheckpointed'
  | 'autodiffIntermediatesCheckpointed'
  | 'runtimeMeasured'
  | 'workerCopiesWasm'
  | 'loraWeightsInference'
  | 'kvCache'
  | 'activationsInference'
  | 'attentionScoresInference'
  | 'logitsInference'
  | 'backendBuffersInference'
  | 'runtimeInference'

export interface MemoryEstimate {
  /** Peak process memory (RSS) on a CPU backend; on a GPU backend the tensors alone (GPU memory). */
  totalBytes: number
  /** The training thread's peak tensor memory (what tf.memory() counts), part of totalBytes. */
  tensorBytes: number
  components: MemoryComponent[]
}

/** Two real optimizer steps on the run's data before it starts (the second timed). */
export interface DryRunMeasure {
  stepS: number
  tokensPerS: number
  totalSteps: number
  etaS: number
  peakRssBytes: number
}

/** The largest single tensor one training step makes (the embedding and LM head are split to fit and not counted). */
export interface StepTensor {
  name: string
  shape: number[]
  bytes: number
}

/**
 * A GPU estimate held against the adapter's limits. WebGPU reports no total GPU memory, only how large one
 * buffer and one shader binding may be: those are checked, the total is not.
 */
export interface GpuFit {
  /** The adapter as the backend describes it. */
  adapter: string
  largestTensor: StepTensor
  /** Bytes one tensor may have: the smaller of maxStorageBufferBindingSize and maxBufferSize. */
  limitBytes: number
  fits: boolean
  /** When it does not fit: the run config field to change (e.g. `batchSize`) and what to change it to. */
  problem: { path: string; message: string } | null
  /** What could not be checked (the total), in words. */
  note: string
}

/** What chatting with a model takes in the engine, at a prompt filling its context, on its backend. */
export interface InferenceEstimate {
  memory: MemoryEstimate
  /** The model's context (n_positions), at which the KV cache is counted. */
  context: number
  backend: BackendName
}

/** How the run's tokenizer cuts the chosen dataset's text, measured on a sample of its records. */
export interface TextFit {
  tokenizer: string
  tokensPerCharacter: number
  /** Far more tokens a character than English prose (about 0.25): the text is cut into byte pieces. */
  fragmented: boolean
}

/** fits: as configured; recompute: only with gradient checkpointing; gpu: not even then. */
export type WasmFitAdvice = 'fits' | 'recompute' | 'gpu'

export interface WasmFit {
  advice: WasmFitAdvice
  /** The training thread's wasm heap at the peak as asked (tensors and backend buffers). */
  heapBytes: number
  /** The same with recomputation, when it was not already on. */
  recomputedHeapBytes: number | null
  limitBytes: number
}

/** Whether a run of the Train form's settings fits registered model `modelId` on wasm. */
export interface ModelWasmFit {
  modelId: number
  fit: WasmFit
}

export interface RunEstimate {
  /** PEFT's `print_trainable_parameters()` line. */
  trainableLine: string
  trainableParams: number
  allParams: number
  memory: MemoryEstimate
  /**
   * Chatting with the model and this adapter afterwards, at a prompt filling the model's context (absent
   * from estimates stored before it was made).
   */
  inference?: MemoryEstimate
  /** For a dataset run: tokens per character of its text (estimates made by runs.estimate only). */
  textFit?: TextFit
  /** On a GPU backend (webgpu): the estimate is GPU memory, held against the adapter's limits. */
  gpu?: GpuFit
  /** On wasm: whether the step fits one wasm heap (4 GiB), with recomputation, or needs the GPU. */
  wasm?: WasmFit
  /** Present when the estimate was asked to measure (`measure: true`). */
  dryRun?: DryRunMeasure
}

/** One logged optimizer step (train fields) or evaluation (eval fields); null where not measured. */
export interface RunMetric {
  step: number
  epoch: number
  trainLoss: number | null
  learningRate: number | null
  gradNorm: number | null
  tokensPerS: number | null
  evalLoss: number | null
  perplexity: number | null
  elapsedS: number
  etaS: number | null
  tfBytes: number | null
  rssBytes: number | null
}

export type CheckpointReason = 'periodic' | 'best' | 'pause' | 'stop' | 'final'

export interface CheckpointInfo {
  step: number
  path: string
  reason: CheckpointReason
  evalLoss: number | null
  trainLoss: number | null
  createdAt: string
}

export interface RunSummary {
  id: number
  name: string
  status: RunStatusName
  baseModel: string
  step: number
  totalSteps: number | null
  lastLoss: number | null
  lastEvalLoss: number | null
  createdAt: string
  startedAt: string | null
  finishedAt: string | null
  /** Why the run failed or stopped, in words the user can act on. */
  message: string | null
  checkpoints: number
  /** The TensorFlow.js backend it last trained on (`wasm`, `tensorflow-gpu`, ...); null before it started. */
  backend: string | null
  /** Its folder under runs/ (data, checkpoints, adapter) is gone: it can no longer be resumed or exported. */
  folderMissing: boolean
  /** The run whose adapter this one continued from, if any. */
  parentRunId: number | null
  /** The parent's step at the continue point (its checkpoint's, or its final step); null when unknown. */
  parentStep: number | null
}

export interface RunDetail extends RunSummary {
  config: RunConfigValues
  /**
   * The prompt template its samples were formatted with (a dataset run's is its dataset's); null for
   * raw text, which has none. `config.template` is only what the form held.
   */
  template: string | null
  notes: string
  estimate: RunEstimate | null
  peakRssBytes: number | null
  peakTfBytes: number | null
  /** Folder of the final PEFT adapter once the run completed. */
  adapterPath: string | null
}

/**
 * Why a run trains with the number of data-parallel workers it has, as facts (main words them for the
 * CLI, the renderer in the person's language): one on a GPU backend (`gpu`) or tfjs-node, which
 * threads by itself (`threads-itself`); else the user's number (`asked`), capped by the rows of a step
 * (`rows`), or without one, one per core (`cores`) capped by rows or by the model copies free memory
 * holds (`memory`). `asked` is the user's number when it was more than one and not what the run got.
 */
export interface WorkersWhy {
  why: 'gpu' | 'threads-itself' | 'asked' | 'rows' | 'cores' | 'memory'
  backend: BackendName
  asked: number | null
}

/** A progress message as facts, so the renderer can word it in the person's language. */
export type RunNote =
  | {
      kind: 'started'
      samples: number
      validationSamples: number
      maxLength: number
      steps: number
      workers: number
      workersWhy: WorkersWhy
    }
  | { kind: 'resuming'; step: number }
  | { kind: 'restarting' }

export interface RunProgressEvent {
  runId: number
  status: RunStatusName
  /** Set when a step or an evaluation was logged. */
  metric?: RunMetric
  checkpoint?: CheckpointInfo
  /** In English (the CLI prints it); with `note`, the same facts for the renderer. */
  message?: string
  note?: RunNote
}

// ---- API inputs -----------------------------------------------------------------------------

const RunId = z.number().int().positive()

export const StartRunInput = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  preset: z.enum(presetNames).optional(),
  /** Continue training this run's adapter (the user's "next data file"): its base model and LoRA settings. */
  continueFrom: RunId.optional(),
  /** With continueFrom: start from its checkpoint at this step instead of its final adapter. */
  continueFromStep: z.number().int().min(0).optional(),
  config: RunConfigPatch
})

/** What a new run may continue from: a run's final adapter, one of its checkpoints, or a PEFT folder. */
export const ContinueSourceInput = z.union([
  z.strictObject({ runId: RunId, step: z.number().int().min(0).optional() }),
  z.strictObject({ folder: z.string().trim().min(1, 'give the PEFT adapter folder to continue from') })
])
export type ContinueSourceSpec = z.infer<typeof ContinueSourceInput>

/** What a continued run takes from the adapter it starts from (and may not change). */
export interface ContinueSourceInfo {
  /** The PEFT folder training starts from (the run's config.initAdapter). */
  adapterPath: string
  /** From its adapter_config.json: r, alpha, target modules, rsLoRA (locked) and dropout (a default). */
  lora: LoraSettingsConfig
  /** The base model it was trained on (a run's, or a registered model matching a folder's); null when unknown. */
  baseModel: string | null
  /** The prompt template of the run it comes from; null for a foreign folder. */
  template: string | null
  /** The run and step it comes from (lineage); null for a folder no run owns. */
  parent: { runId: number; runName: string; step: number } | null
}
export const EstimateRunInput = z.strictObject({
  preset: z.enum(presetNames).optional(),
  config: RunConfigPatch,
  /** Also run two real steps on the data (a dry run) for the step time and the ETA. */
  measure: z.boolean().default(false)
})
/** The Train form's config tried on every registered model: which fit the wasm heap. */
export const WasmFitsInput = EstimateRunInput.omit({ measure: true })
export const RunIdInput = z.strictObject({ id: RunId })
export const RunMetricsInput = z.strictObject({ id: RunId, afterStep: z.number().int().min(-1).default(-1) })
export const ResumeRunInput = z.strictObject({
  id: RunId,
  checkpointStep: z.number().int().min(0).optional()
})
export const RenameRunInput = z.strictObject({ id: RunId, name: z.string().trim().min(1).max(200) })
export const RunNotesInput = z.strictObject({ id: RunId, notes: z.string().max(100_000) })
/** Writes a run's adapter (its final one, or a checkpoint's) as a PEFT folder or merged into the base model. */
export const ExportRunInput = z.strictObject({
  id: RunId,
  checkpointStep: z.number().int().min(0).optional(),
  format: z.enum(['peft', 'merged']),
  outDir: z.string().trim().min(1, 'give the folder to write the export to'),
  /** The user confirmed replacing an earlier export at outDir (never anything else). */
  overwrite: z.boolean().optional(),
  /** A merged export is registered as a model (to chat with and train from) unless this is false. */
  register: z.boolean().optional()
})

/** Where an export was written, and the model a merged export was registered as (null when not). */
export interface ExportRunResult {
  outDir: string
  model: { id: number; name: string } | null
}
