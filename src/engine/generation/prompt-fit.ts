// Fits a conversation into the model's context: the prefix and the newest turn always stay, earlier
// exchanges are kept newest first while they fit, so the oldest are the ones left out.
import type { GeneratePrompt, PromptPiece } from '../../shared/generation-protocol'

export interface FittedPrompt {
  ids: number[]
  /** Earlier exchanges left out (the oldest ones). */
  droppedTurns: number
}

/**
 * Most prompt tokens that still leave room for `maxNewTokens` (as generate's promptCrop counts: the last
 * new token is never fed back), but never less than half the window, so a long answer cannot push out
 * all context.
 */
export function promptBudget(maxNewTokens: number, maxPositions: number): number {
  return Math.min(maxPositions, Math.max(maxPositions - maxNewTokens + 1, Math.ceil(maxPositions / 2)))
}

/** Token ids of pieces: text through `encode`, end-of-text markers as `eosTokenId`. */
export function encodePieces(
  pieces: readonly PromptPiece[],
  encode: (text: string) => number[],
  eosTokenId: number
): number[] {
  return pieces.flatMap((p) => ('eos' in p ? [eosTokenId] : encode(p.text)))
}

export function fitPrompt(
  prompt: GeneratePrompt,
  encode: (pieces: readonly PromptPiece[]) => number[],
  budget: number
): FittedPrompt {
  const prefix = encode(prompt.prefix)
  const current = encode(prompt.current)
  let used = prefix.length + current.length
  const kept: number[][] = []
  for (let i = prompt.history.length - 1; i >= 0; i--) {
    const turn = encode(prompt.history[i])
    if (used + turn.length > budget) break
    used += turn.length
    kept.unshift(turn)
  }
  return {
    ids: [...prefix, ...kept.flat(), ...current],
    droppedTurns: prompt.history.length - kept.length
  }
}
