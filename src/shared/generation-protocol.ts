// What main and the engine exchange about generation: the `generate` job's input (a prompt made of
// turns, so the engine can drop the oldest ones to fit the model's context), its result and its stream.
import type { FinishReason, GenerationSettingsValues } from './chat'

/** Text to tokenize, or the model's end-of-text token (which training put after every answer). */
export type PromptPiece = { text: string } | { eos: true }

export interface GeneratePrompt {
  /** Never dropped: e.g. the system text. */
  prefix: PromptPiece[]
  /** Earlier exchanges, oldest first; the oldest are dropped first when the prompt does not fit. */
  history: PromptPiece[][]
  /** The new turn, ending where the answer begins (e.g. `Human: …\n\nAssistant: `). */
  current: PromptPiece[]
}

export interface GenerateJobInput {
  /** An HF GPT-2 folder with tokenizer files. */
  modelPath: string
  /** A PEFT adapter folder, or null for the base model. */
  adapterPath: string | null
  prompt: GeneratePrompt
  options: GenerationSettingsValues
}

export interface GenerateJobOutput {
  text: string
  /** Ids of the new tokens (EOS or the token that completed a stop sequence included). */
  ids: number[]
  finishReason: Exclude<FinishReason, 'error'>
  promptTokens: number
  droppedTurns: number
  promptCropped: number
  newTokens: number
  tokensPerSecond: number
  elapsedMs: number
  prefillMs: number
  /** Time spent loading the model and adapter (0 when both were cached). */
  loadMs: number
}

/** One streamed piece of the answer (never empty). */
export interface GenerateTokenEvent {
  delta: string
  /** New tokens so far. */
  tokens: number
}
