// Schemas and types of the chat domain: the sampling settings a person may give (with the engine's
// defaults and ranges), what a chat talks to (a model and an adapter), its messages, and compare.
import { z } from 'zod'
import { Template, type TemplateSpec } from './datasets'

/**
 * Sampling settings as HF `generate` takes them. The defaults equal the engine's
 * DEFAULT_GENERATION_OPTIONS. The repetition penalty is limited to 1–3 here although HF accepts any
 * value > 0: below 1 it rewards repeating, which only makes GPT-2's loops worse, and above 3 text breaks
 * down. topK may not exceed the model's vocabulary; the engine checks that against the model (field
 * `options.topK`).
 */
export const GenerationSettings = z.strictObject({
  maxNewTokens: z.number().int().min(1).max(2048).default(128),
  /** 0 means greedy decoding. */
  temperature: z.number().min(0).max(5).default(1),
  /** 0 turns top-k off. */
  topK: z.number().int().min(0).default(50),
  /** 1 turns top-p off. */
  topP: z.number().gt(0).max(1).default(1),
  /** 1 turns it off. */
  repetitionPenalty: z.number().min(1).max(3).default(1),
  /** false: greedy decoding (as temperature 0). */
  doSample: z.boolean().default(true),
  seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0),
  stopSequences: z.array(z.string().min(1).max(200)).max(8).default([]),
  /** Stop when the model emits its end-of-text token (as it learned to after each answer). */
  stopOnEos: z.boolean().default(true)
})
export type GenerationSettingsInput = z.input<typeof GenerationSettings>
export type GenerationSettingsValues = z.output<typeof GenerationSettings>

/** The settings with every default applied. */
export const defaultGenerationSettings: GenerationSettingsValues = GenerationSettings.parse({})

const Id = z.number().int().positive()

/** Which LoRA weights to put on the model: none, a run's (its final adapter, or one checkpoint), or a folder. */
export const AdapterRef = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('none') }),
  z.strictObject({
    kind: z.literal('run'),
    runId: Id,
    /** A checkpoint of the run; omitted: the run's final adapter. */
    checkpointStep: z.number().int().min(0).optional()
  }),
  /** A PEFT adapter folder (adapter_config.json + adapter_model.safetensors) or a checkpoint folder. */
  z.strictObject({ kind: z.literal('path'), path: z.string().min(1) })
])
export type AdapterRefInput = z.infer<typeof AdapterRef>

/**
 * What answers: a base model (registered model id, or an HF folder path) and an adapter. With a run's
 * adapter the model may be omitted: the run's base model is used.
 */
const targetShape = {
  modelId: Id.optional(),
  modelPath: z.string().min(1).optional(),
  adapter: AdapterRef.default({ kind: 'none' })
}
export const ChatTarget = z.strictObject(targetShape)
export type ChatTargetInput = z.input<typeof ChatTarget>

export const CreateChatInput = z.strictObject({
  title: z.string().trim().min(1).max(200).optional(),
  ...targetShape,
  /** How turns are formatted; omitted: the template the adapter's run was trained with, else human-assistant. */
  template: Template.optional(),
  options: GenerationSettings.optional()
})
export const ChatIdInput = z.strictObject({ id: Id })
export const RenameChatInput = z.strictObject({ id: Id, title: z.string().trim().min(1).max(200) })
export const SendChatInput = z.strictObject({
  chatId: Id,
  content: z.string().min(1).max(100_000),
  /** Replaces the chat's saved settings (and is saved with it); omitted: the chat's settings. */
  options: GenerationSettings.optional()
})
export const CancelChatInput = z.union([
  z.strictObject({ chatId: Id }),
  z.strictObject({ compareId: z.string().min(1).max(100) })
])
export const CompareInput = z.strictObject({
  /** Chosen by the caller so it can tell this comparison's `chat.compareToken` events apart and cancel it. */
  compareId: z.string().min(1).max(100),
  prompt: z.string().min(1).max(100_000),
  targets: z.array(ChatTarget).min(2).max(4),
  /** One template for every target; omitted: each adapter's training template (see CreateChatInput). */
  template: Template.optional(),
  options: GenerationSettings.default(defaultGenerationSettings)
})

export type FinishReason = 'eos' | 'stop' | 'length' | 'cancelled' | 'error'

/** The model and adapter a chat or a compare target resolved to. */
export interface ResolvedTarget {
  modelId: number | null
  modelPath: string
  /** The model's registered name, else the folder's name. */
  modelName: string
  adapter: AdapterRefInput
  /** The PEFT adapter folder used, or null for the base model. */
  adapterPath: string | null
  /** Short description for lists: `gpt2 + run 3 (step 200)`. */
  label: string
}

/** What a target would answer with, checked when it is chosen: the resolved target, or why it cannot answer. */
export interface TargetCheck {
  target: ResolvedTarget | null
  /** In words: a missing folder, an adapter that does not fit the base model; null when it can answer. */
  problem: string | null
}

/** How an answer was produced; stored with the assistant message. */
export interface GenerationInfo {
  finishReason: FinishReason
  /** The error's message when finishReason is 'error'. */
  error: string | null
  newTokens: number
  promptTokens: number
  /** Earlier turns left out because the conversation did not fit the model's context (oldest first). */
  droppedTurns: number
  /** Tokens cut from the start of the prompt when even the newest turn alone was too long. */
  promptCropped: number
  tokensPerSecond: number
  elapsedMs: number
  options: GenerationSettingsValues
  /** The stop sequences used: the options' and the template's next-turn marker. */
  stopSequences: string[]
}

export interface ChatMessage {
  id: number
  chatId: number
  role: 'system' | 'user' | 'assistant'
  content: string
  /** For assistant messages; null while streaming or for user messages. */
  generation: GenerationInfo | null
  /** True while an answer is being generated into this message. */
  streaming: boolean
  createdAt: string
}

export interface ChatSummary {
  id: number
  title: string
  target: ResolvedTarget
  /** Why the chat cannot answer now (its model or adapter is gone), or null. */
  problem: string | null
  template: TemplateSpec
  options: GenerationSettingsValues
  /** True while an answer is being generated. */
  busy: boolean
  createdAt: string
  updatedAt: string
}

export interface ChatDetail extends ChatSummary {
  messages: ChatMessage[]
}

export interface CompareAnswer {
  target: ResolvedTarget
  template: TemplateSpec
  text: string
  generation: GenerationInfo
}

export interface CompareResult {
  compareId: string
  prompt: string
  answers: CompareAnswer[]
}

/** A piece of an answer as it streams. */
export interface ChatTokenEvent {
  chatId: number
  messageId: number
  delta: string
  /** New tokens generated so far. */
  tokens: number
}

export interface CompareTokenEvent {
  compareId: string
  /** Index into the compare call's targets. */
  target: number
  delta: string
  tokens: number
}
