// Schemas and types of the models domain: the local registry of base models (HF-layout folders),
// the offline demo model, folder import, Hugging Face Hub download and its progress events.
import { z } from 'zod'

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

export const CreateDemoInput = z.strictObject({
  name: ModelName.optional(),
  /** tiny: 2 layers × 64 wide (trains in seconds on wasm); small-test: 4 layers × 128. */
  size: DemoSize.default('tiny'),
  seed: z.number().int().min(0).max(0xffffffff).default(42)
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
  layers: number | null
  /** n_embd. */
  width: number | null
  heads: number | null
  vocabSize: number | null
  /** n_positions: the longest sequence the model takes. */
  contextLength: number | null
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
