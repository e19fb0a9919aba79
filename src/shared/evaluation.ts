// Schemas and types of evaluation: perplexity of a base model and adapters on a text file or a
// dataset's validation split (Hugging Face's sliding-window definition), the `perplexity` engine job
// that computes it, and the results kept with a run.
import { z } from 'zod'
import { ChatTarget, type ResolvedTarget } from './chat'

const Id = z.number().int().positive()

/** What is scored: one `.txt`/`.md` file as a single text, or a dataset's validation split (its samples). */
export const PerplexitySource = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('file'), path: z.string().min(1) }),
  z.strictObject({ kind: z.literal('dataset'), id: Id })
])
export type PerplexitySourceInput = z.infer<typeof PerplexitySource>

export const PerplexityInput = z.strictObject({
  /** Chosen by the caller to tell this evaluation's `evaluate.progress` events apart. */
  progressId: z.string().min(1).max(100).optional(),
  /** Base model and adapter of each row, as chat names them; all scored on the same windows. */
  targets: z.array(ChatTarget).min(1).max(8),
  source: PerplexitySource,
  /** Tokens per window; omitted: the model's context (n_positions). */
  maxLength: z.number().int().min(2).max(65_536).optional(),
  /** Tokens between window starts (at most maxLength); omitted: half of maxLength. */
  stride: z.number().int().min(1).max(65_536).optional(),
  /** Windows per forward pass; omitted: as many as fit 2,048 tokens. */
  batchSize: z.number().int().min(1).max(64).optional(),
  /** Keep the results with this run (its Evaluate table). */
  runId: Id.optional()
})
export type PerplexityInputValues = z.input<typeof PerplexityInput>
export type PerplexityInputValue = z.output<typeof PerplexityInput>

export const EvaluationsInput = z.strictObject({ runId: Id })

/** Stops the evaluation started with this progressId; nothing of it is kept. */
export const CancelEvaluationInput = z.strictObject({ progressId: z.string().min(1).max(100) })

/** Mean negative log-likelihood per predicted token, its exp, and how many tokens were predicted. */
export interface PerplexityFigures {
  loss: number
  perplexity: number
  tokens: number
}

export interface PerplexityRow extends PerplexityFigures {
  target: ResolvedTarget
}

export interface PerplexityReport {
  /** The stored evaluation's id, or null when it was not kept with a run. */
  id: number | null
  runId: number | null
  source: PerplexitySourceInput
  /** The file's name, or the name of the dataset whose validation split was scored. */
  sourceLabel: string
  maxLength: number
  stride: number
  /** Texts (1 for a file, samples for a dataset) and windows scored per row. */
  texts: number
  windows: number
  rows: PerplexityRow[]
  elapsedMs: number
  createdAt: string
}

export interface EvaluateProgressEvent {
  progressId: string | null
  runId: number | null
  /** Index of the row being scored, of `targets`. */
  target: number
  targets: number
  windowsDone: number
  windowsTotal: number
}

/** The engine's `perplexity` job: one base model, each adapter (null: none) in turn on the same windows. */
export interface PerplexityJobInput {
  modelPath: string
  adapterPaths: (string | null)[]
  /** Tokenized JSONL: `{"input_ids": [...], "labels": [...]}` a line (labels -100 where nothing is scored). */
  samplesFile: string
  maxLength: number | null
  stride: number | null
  batchSize: number | null
}

export interface PerplexityJobOutput {
  results: PerplexityFigures[]
  maxLength: number
  stride: number
  texts: number
  windows: number
  elapsedMs: number
}

export interface PerplexityProgressEvent {
  target: number
  targets: number
  windowsDone: number
  windowsTotal: number
}
