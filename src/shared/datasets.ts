// Schemas and types of the datasets domain: what the renderer, CLI and browser mode send to inspect,
// preview and import training data, and what comes back (problems, statistics, mask previews).
import { z } from 'zod'

export const DatasetFormat = z.enum(['text', 'instruction', 'chat'])
export type DatasetFormatName = z.infer<typeof DatasetFormat>

/** `model`: the chosen model's own chat template (tokenizer_config.json's `chat_template`). */
export const TemplateName = z.enum(['human-assistant', 'alpaca', 'chatml', 'raw', 'custom', 'model'])
export type TemplateKind = z.infer<typeof TemplateName>

/** Which record fields hold what; unset entries are detected from common names. */
export const FieldMapping = z.strictObject({
  text: z.string().min(1).optional(),
  instruction: z.string().min(1).optional(),
  input: z.string().min(1).optional(),
  output: z.string().min(1).optional(),
  messages: z.string().min(1).optional()
})
export type FieldMappingInput = z.infer<typeof FieldMapping>

/**
 * A prompt template. `custom.text` holds `{instruction}`, `{input}` and exactly one `{output}`:
 * everything before `{output}` is the prompt, `{output}` and what follows is trained. When the input
 * is empty, a line holding only `{input}` is dropped with its newline.
 */
export const Template = z.strictObject({
  name: TemplateName,
  text: z.string().optional(),
  system: z.string().optional()
})
export type TemplateSpec = z.infer<typeof Template>

export const TextMode = z.enum(['pack', 'truncate', 'split'])
export const OverlongPolicy = z.enum(['truncate', 'drop'])

export const SplitSpec = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('none') }),
  z.strictObject({
    kind: z.literal('ratio'),
    validationRatio: z.number().min(0).max(0.5),
    seed: z.number().int().default(42)
  }),
  z.strictObject({ kind: z.literal('file'), paths: z.array(z.string().min(1)).min(1) })
])
export type SplitSpecInput = z.infer<typeof SplitSpec>

const Paths = z.array(z.string().min(1)).min(1, 'choose at least one file or folder')

/** Everything that decides how records become token sequences. */
export const ProcessingOptions = z.strictObject({
  format: DatasetFormat.optional(),
  mapping: FieldMapping.default({}),
  template: Template.default({ name: 'human-assistant' }),
  trainOnPrompt: z.boolean().default(false),
  maxLength: z.number().int().min(8).max(65536).default(1024),
  /** Raw text: pack documents into blocks, one truncated sample per document, or split with overlap. */
  textMode: TextMode.default('pack'),
  /** Tokens shared by consecutive pieces when `textMode` is 'split'. */
  overlap: z.number().int().min(0).default(0),
  /** Instruction and chat samples longer than `maxLength`. */
  overlong: OverlongPolicy.default('truncate'),
  dedupe: z.boolean().default(true),
  /** Model whose tokenizer counts tokens; omitted: GPT-2's, shared by every GPT-2-family model. */
  modelId: z.number().int().positive().optional(),
  batchSize: z.number().int().min(1).default(8),
  gradientAccumulation: z.number().int().min(1).default(1)
})
export type ProcessingOptionsInput = z.input<typeof ProcessingOptions>
export type ProcessingSettings = z.output<typeof ProcessingOptions>

export const InspectInput = z.strictObject({
  paths: Paths,
  sampleSize: z.number().int().min(1).max(200).default(20)
})

export const PreviewInput = ProcessingOptions.extend({
  paths: Paths,
  /** How many formatted samples (with mask preview) come back. */
  samples: z.number().int().min(1).max(50).default(5)
})

export const ImportInput = ProcessingOptions.extend({
  name: z.string().trim().min(1, 'give the dataset a name').max(200),
  paths: Paths,
  split: SplitSpec.default({ kind: 'ratio', validationRatio: 0.05, seed: 42 }),
  /** Abort on any record problem instead of skipping the record. */
  strict: z.boolean().default(false)
})
export type ImportRequest = z.output<typeof ImportInput>

export const DatasetIdInput = z.strictObject({ id: z.number().int().positive() })

/** Tokens per character of a dataset's text on a registered model's tokenizer, beside GPT-2's. */
export const TokensPerCharInput = z.strictObject({
  datasetId: z.number().int().positive(),
  modelId: z.number().int().positive()
})

export const SEARCH_MAX_CHARS = 200

export const RecordsInput = z.strictObject({
  id: z.number().int().positive(),
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(500).default(50),
  /** Bounded: SQLite refuses LIKE patterns over 50,000 bytes, and no one types more than a line. */
  search: z.string().max(SEARCH_MAX_CHARS, `search for at most ${SEARCH_MAX_CHARS} characters`).optional(),
  split: z.enum(['train', 'validation']).optional()
})

export const RecordPreviewInput = z.strictObject({
  datasetId: z.number().int().positive(),
  recordId: z.number().int().positive()
})

export const SampleKind = z.enum(['cwe-instructions', 'cwe-corpus'])
export const AddSampleInput = z.strictObject({ kind: SampleKind, name: z.string().trim().min(1).optional() })

/** Where a problem or a record comes from: file as shown to the user, 1-based line / row / item. */
export interface SourceLocation {
  file: string
  line?: number
  row?: number
  item?: number
}

export type ProblemSeverity = 'error' | 'warning'

export type ProblemCode =
  | 'unreadable'
  | 'unsupported_file'
  | 'file_too_large'
  | 'record_too_large'
  | 'invalid_json'
  | 'invalid_csv'
  | 'invalid_parquet'
  | 'invalid_utf8'
  | 'missing_field'
  | 'wrong_type'
  | 'empty_record'
  | 'bad_message'
  | 'no_answer'
  | 'duplicate'
  | 'truncated'
  | 'dropped'

export interface DatasetProblem extends SourceLocation {
  severity: ProblemSeverity
  code: ProblemCode
  field?: string
  /** For invalid_utf8: how many bytes were replaced. */
  count?: number
  /** Full sentence with file, line and field, e.g. "notes.jsonl line 17: field 'output' is missing". */
  message: string
}

export interface ValidationReport {
  filesRead: number
  recordsRead: number
  recordsValid: number
  recordsSkipped: number
  duplicates: number
  duplicatesRemoved: number
  truncated: number
  dropped: number
  /** UTF-8 replacement characters inserted for undecodable bytes, summed over files. */
  invalidUtf8Bytes: number
  /** Counts by code, over all problems (the list itself is capped). */
  counts: Partial<Record<ProblemCode, number>>
  problems: DatasetProblem[]
  /** How many problems were left out of `problems` to keep it short. */
  problemsOmitted: number
}

export interface NormalizedMessage {
  role: 'system' | 'user' | 'assistant'
  content: string
}

export type NormalizedRecord =
  | { kind: 'text'; text: string }
  | { kind: 'instruction'; instruction: string; input: string; output: string }
  | { kind: 'chat'; messages: NormalizedMessage[] }

export interface HistogramBin {
  /**
   * Inclusive lower and exclusive upper token length of the samples that train (after packing, splitting
   * or truncation). `to` null: over maxLength, only in statistics stored before samples were counted.
   */
  from: number
  to: number | null
  count: number
}

export interface DatasetStatistics {
  tokenizer: string
  records: number
  samples: number
  trainSamples: number
  validationSamples: number
  totalTokens: number
  trainedTokens: number
  characters: number
  tokensPerCharacter: number
  /** Set when the tokenizer fragments the text (e.g. Chinese on GPT-2), with what it means. */
  fragmentationWarning: string | null
  meanLength: number
  maxSampleLength: number
  /** Lengths of the samples that train, up to maxLength. */
  histogram: HistogramBin[]
  /** Share of records (0..1) longer than maxLength, cut by truncation (0 when packed or split). */
  truncatedShare: number
  batchSize: number
  gradientAccumulation: number
  stepsPerEpoch: number
}

export interface MaskedToken {
  id: number
  text: string
  trained: boolean
}

/** Consecutive tokens shown as one chip: a character that byte-level BPE split is only text joined. */
export interface TokenGroup {
  /** Index of its first token in `tokens`. */
  start: number
  count: number
  /** The group's tokens decoded together. */
  text: string
  trained: boolean
}

export interface MaskPreview {
  tokens: MaskedToken[]
  /** `tokens` grouped so that every group decodes to whole characters; never spans the mask boundary. */
  groups: TokenGroup[]
  totalTokens: number
  trainedTokens: number
  truncated: boolean
}

export interface DetectedFormat {
  format: DatasetFormatName
  /** Why, e.g. "12/12 sampled records have instruction and output fields". */
  reason: string
  mapping: FieldMappingInput
  /** Share of sampled records (0..1) the format fits. */
  confidence: number
}

export interface FieldSummary {
  name: string
  /** In how many sampled records it appears. */
  count: number
  types: string[]
}

export interface InspectResult {
  files: { path: string; display: string; bytes: number; kind: string }[]
  detected: DetectedFormat
  /** Other formats with how well they fit, best first. */
  alternatives: DetectedFormat[]
  fields: FieldSummary[]
  samples: { location: SourceLocation; value: unknown }[]
  problems: DatasetProblem[]
}

export interface PreviewSample {
  location: SourceLocation
  record: NormalizedRecord
  /** The formatted text: prompt and answer as the model sees it. */
  text: string
  mask: MaskPreview
}

export interface PreviewResult {
  format: DatasetFormatName
  detected: DetectedFormat
  samples: PreviewSample[]
  report: ValidationReport
  statistics: DatasetStatistics
  /** The preview reads the first records only; `complete` when that was all of them. */
  scope: { records: number; complete: boolean }
}

export interface DatasetSettings {
  format: DatasetFormatName
  mapping: FieldMappingInput
  template: TemplateSpec
  trainOnPrompt: boolean
  maxLength: number
  textMode: z.infer<typeof TextMode>
  overlap: number
  overlong: z.infer<typeof OverlongPolicy>
  dedupe: boolean
  split: SplitSpecInput
  /** The model whose tokenizer counted the tokens; absent: GPT-2's. */
  modelId?: number
}

export interface DatasetSummary {
  id: number
  name: string
  format: DatasetFormatName
  recordCount: number
  trainCount: number
  validationCount: number
  totalTokens: number
  sources: string[]
  createdAt: string
}

export interface DatasetDetail extends DatasetSummary {
  settings: DatasetSettings
  statistics: DatasetStatistics
  report: ValidationReport
}

export interface DatasetRecordRow {
  id: number
  index: number
  split: 'train' | 'validation'
  location: SourceLocation
  record: NormalizedRecord
  tokens: number
  trainedTokens: number
}

export interface RecordsPage {
  total: number
  offset: number
  items: DatasetRecordRow[]
}

export interface ImportProgressEvent {
  /** Client-visible name of the import (the dataset name). */
  name: string
  phase: 'reading' | 'writing' | 'done' | 'failed'
  file: string | null
  bytesRead: number
  bytesTotal: number
  records: number
}

/** One tokenizer's count on a dataset's first training records. */
export interface TokensPerCharMeasure {
  /** The tokenizer's name: gpt2, or the model's. */
  tokenizer: string
  tokens: number
  characters: number
  /** tokens / characters; 0 for no text. */
  ratio: number
}

/** The same records of dataset `datasetId` on GPT-2's tokenizer and on model `modelId`'s. */
export interface TokensPerCharComparison {
  datasetId: number
  modelId: number
  gpt2: TokensPerCharMeasure
  model: TokensPerCharMeasure
  /** GPT-2 cuts this text into byte pieces (far more tokens a character than English prose takes). */
  gpt2Fragmented: boolean
}
