// Builds a tokenizer from its source (GPT-2's own, or a model folder's files): the same recipe in
// main and in the import's worker thread, which cannot be handed a tokenizer object.
import { BpeTokenizer } from '../../engine/tokenizer/bpe-tokenizer'
import { defaultTokenizer } from './default-tokenizer'
import { withSource, type TextTokenizer, type TokenizerSource } from './text-tokenizer'

export async function folderTokenizer(
  source: Extract<TokenizerSource, { kind: 'folder' }>
): Promise<TextTokenizer> {
  return withSource(await BpeTokenizer.fromFolder(source.path), source.name, source)
}

export function loadTokenizer(source: TokenizerSource): Promise<TextTokenizer> {
  return source.kind === 'gpt2' ? defaultTokenizer() : folderTokenizer(source)
}
