// Builds a tokenizer from its source (GPT-2's own, or a model folder's files): the same recipe in
// main and in the import's worker thread, which cannot be handed a tokenizer object.
import { Gpt2Tokenizer } from '../../engine/tokenizer/gpt2-tokenizer'
import { defaultTokenizer } from './default-tokenizer'
import type { TextTokenizer, TokenizerSource } from './text-tokenizer'

export async function folderTokenizer(
  source: Extract<TokenizerSource, { kind: 'folder' }>
): Promise<TextTokenizer> {
  const t = await Gpt2Tokenizer.fromFolder(source.path)
  return {
    name: source.name,
    source,
    eosTokenId: t.eosTokenId,
    encode: (text) => t.encode(text),
    decode: (ids) => t.decode(ids),
    decodeBytes: (ids) => t.decodeBytes(ids)
  }
}

export function loadTokenizer(source: TokenizerSource): Promise<TextTokenizer> {
  return source.kind === 'gpt2' ? defaultTokenizer() : folderTokenizer(source)
}
