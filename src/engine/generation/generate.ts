// The decoding loop: feeds the prompt once, then one token at a time through the model's cached session,
// choosing each token as HF's generate would, streaming whole characters, and stopping on EOS, a stop
// sequence, the token or position limit, or cancellation. It always releases the session.

import type { CausalLm } from './causal-lm'
import { GeneratedText } from './generated-text'
import { isSampling, validateGenerationOptions, type GenerationOptions } from './generation-options'
import { processLogits } from './logits-processors'
import { Rng } from './rng'
import { argmax, findNaN, sampleToken } from './token-choice'

export type FinishReason = 'eos' | 'stop' | 'length' | 'cancelled'

export interface GenerationHooks {
  /** Bytes of the given token ids (byte-level BPE: a token may hold part of a character). */
  decodeBytes(ids: readonly number[]): Uint8Array
  /** Called once per new token with the text that became showable (often '', e.g. mid-character). */
  onToken?(id: number, textDelta: string): void
  /** Abort to stop early; the result then holds what was generated so far. */
  signal?: AbortSignal
}

export interface GenerationResult {
  /** The new token ids only; they include the EOS or the token that completed a stop sequence. */
  ids: number[]
  /** Text of the new tokens, without EOS and cut before a stop sequence. */
  text: string
  finishReason: FinishReason
  /** Prompt tokens the model saw (after cropping). */
  promptTokens: number
  /** Tokens dropped from the start of the prompt to leave room within maxPositions (0 when none). */
  promptCropped: number
  newTokens: number
  /** New tokens per second of the whole call, prompt processing included. */
  tokensPerSecond: number
  elapsedMs: number
  /** Time to process the prompt and get the first token's logits. */
  prefillMs: number
}

/**
 * Generate up to `options.maxNewTokens` tokens after `promptIds`. The text streamed through `onToken`
 * concatenates to `result.text`, except that after cancellation `result.text` may also hold a tail that was
 * held back (an unfinished character, or a possible start of a stop sequence).
 */
export async function generate(
  model: CausalLm,
  promptIds: readonly number[],
  options: GenerationOptions,
  hooks: GenerationHooks
): Promise<GenerationResult> {
  validateGenerationOptions(options, model.vocabSize)
  validatePrompt(promptIds, model.vocabSize)
  const promptCropped = promptCrop(promptIds.length, options.maxNewTokens, model.maxPositions)
  const sequence = promptIds.slice(promptCropped)
  const promptTokens = sequence.length
  const rng = isSampling(options) ? new Rng(options.seed) : null
  const text = new GeneratedText(options.stopSequences)
  const ids: number[] = []
  const started = performance.now()
  let prefillMs = 0
  let finishReason: FinishReason = 'length'
  const session = model.startSession()
  try {
    if (options.maxNewTokens > 0 && hooks.signal?.aborted) finishReason = 'cancelled'
    else if (options.maxNewTokens > 0) {
      let logits = await session.append(sequence.slice())
      prefillMs = performance.now() - started
      for (;;) {
        if (hooks.signal?.aborted) {
          finishReason = 'cancelled'
          break
        }
        const id = chooseToken(logits, sequence, options, rng, ids.length)
        ids.push(id)
        sequence.push(id)
        if (options.stopOnEos && id === options.eosTokenId) {
          hooks.onToken?.(id, text.finish())
          finishReason = 'eos'
          break
        }
        let delta = text.push(hooks.decodeBytes([id]))
        if (text.stopped) {
          hooks.onToken?.(id, delta)
          finishReason = 'stop'
          break
        }
        if (ids.length >= options.maxNewTokens || session.length >= model.maxPositions) {
          delta += text.finish()
          hooks.onToken?.(id, delta)
          finishReason = 'length'
          break
        }
        hooks.onToken?.(id, delta)
        await yieldToEventLoop()
        if (hooks.signal?.aborted) {
          finishReason = 'cancelled'
          break
        }
        logits = await session.append([id])
      }
    }
  } finally {
    session.dispose()
  }
  text.finish()
  const elapsedMs = performance.now() - started
  return {
    ids,
    text: text.text,
    finishReason,
    promptTokens,
    promptCropped,
    newTokens: ids.length,
    tokensPerSecond: elapsedMs > 0 ? (ids.length * 1000) / elapsedMs : 0,
    elapsedMs,
    prefillMs
  }
}

/** Process one step's logits (in place) and pick the next token: sampled when `rng` is given, else greedy. */
function chooseToken(
  logits: Float32Array,
  sequence: readonly number[],
  options: GenerationOptions,
  rng: Rng | null,
  step: number
): number {
  const nanAt = findNaN(logits)
  if (nanAt >= 0) {
    throw new Error(
      `the model produced NaN logits (token ${nanAt}) for new token ${step + 1}: its weights or adapter are ` +
        'broken, e.g. by a diverged training run; use an earlier checkpoint or a lower learning rate'
    )
  }
  processLogits(logits, sequence, options)
  return rng ? sampleToken(logits, rng) : argmax(logits)
}

/**
 * How many tokens to drop from the start of the prompt so that the prompt and the new tokens fit in
 * `maxPositions` (the last new token is never fed back, hence the + 1). The prompt keeps at least half the
 * window, so a long chat history still leaves context; generation then ends early with 'length'.
 */
export function promptCrop(promptLength: number, maxNewTokens: number, maxPositions: number): number {
  if (promptLength + maxNewTokens - 1 <= maxPositions) return 0
  const keep = Math.min(
    promptLength,
    maxPositions,
    Math.max(maxPositions - maxNewTokens + 1, Math.ceil(maxPositions / 2))
  )
  return promptLength - keep
}

function validatePrompt(promptIds: readonly number[], vocabSize: number): void {
  if (promptIds.length === 0) {
    throw new RangeError(
      'the prompt has no tokens: give at least one (e.g. <|endoftext|> to start from nothing)'
    )
  }
  const bad = promptIds.findIndex((id) => !Number.isInteger(id) || id < 0 || id >= vocabSize)
  if (bad >= 0) {
    throw new RangeError(
      `prompt token ${bad} is ${promptIds[bad]}, outside the model's vocabulary (0..${vocabSize - 1}); ` +
        'was the prompt tokenized with another model’s tokenizer?'
    )
  }
}

/** Let pending messages (e.g. a cancel request) run between tokens even when the model answers synchronously. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}
