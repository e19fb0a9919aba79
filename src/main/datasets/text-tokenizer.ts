// The little the dataset code needs from a tokenizer (a part of the shared Tokenizer), so it works
// with the engine's byte-level BPE for any model, or a test's stand-in, without depending on how it is built.
import type { Tokenizer } from '../../shared/tokenizer'
import type { ModelChatTemplate } from './model-chat-template'

/** Where a tokenizer comes from, so a worker thread can build the same one (tokenize-worker.ts). */
export type TokenizerSource = { kind: 'gpt2' } | { kind: 'folder'; path: string; name: string }

export interface TextTokenizer
  extends
    Pick<Tokenizer, 'encode' | 'decode' | 'eosTokenId'>,
    Partial<Pick<Tokenizer, 'decodeBytes' | 'prefixIds'>> {
  /** Short name shown with the statistics, e.g. "gpt2" or a model's name. */
  readonly name?: string
  /** Set for the app's tokenizers; imports then tokenize in a worker thread. */
  readonly source?: TokenizerSource
  /** The model's own chat template (template "model"), when its folder has one. */
  readonly chatTemplate?: ModelChatTemplate | null
}

/**
 * A full tokenizer with the name and source the dataset code shows and hands to its worker; methods are
 * bound, so they may be passed around on their own.
 */
export function withSource(
  t: Tokenizer,
  name: string,
  source: TokenizerSource,
  chatTemplate: ModelChatTemplate | null = null
): TextTokenizer & Tokenizer {
  return {
    name,
    source,
    chatTemplate,
    vocabSize: t.vocabSize,
    eosTokenId: t.eosTokenId,
    bosTokenId: t.bosTokenId,
    prefixIds: t.prefixIds,
    suffixIds: t.suffixIds,
    encode: (text, options) => t.encode(text, options),
    decode: (ids, options) => t.decode(ids, options),
    decodeBytes: (ids, options) => t.decodeBytes(ids, options),
    idToToken: (id) => t.idToToken(id),
    tokenToId: (token) => t.tokenToId(token),
    isSpecialId: (id) => t.isSpecialId(id)
  }
}

/** Labels of tokens that do not count toward the loss (PyTorch's ignore_index). */
export const IGNORE_INDEX = -100
