// Builds a tokenizer from its source (GPT-2's own, or a model folder's files): the same recipe in
// main and in the import's worker thread, which cannot be handed a tokenizer object.
import { BpeTokenizer } from '../../engine/tokenizer/bpe-tokenizer'
import { defaultTokenizer } from './default-tokenizer'
import { readModelChatTemplate } from './model-chat-template'
import { withSource, type TextTokenizer, type TokenizerSource } from './text-tokenizer'

export async function folderTokenizer(
  source: Extract<TokenizerSource, { kind: 'folder' }>
): Promise<TextTokenizer> {
  const [tokenizer, chatTemplate] = await Promise.all([
    BpeTokenizer.fromFolder(source.path),
    readModelChatTemplate(source.path)
  ])
  return withSource(tokenizer, source.name, source, chatTemplate)
}

export function loadTokenizer(source: TokenizerSource): Promise<TextTokenizer> {
  return source.kind === 'gpt2' ? defaultTokenizer() : folderTokenizer(source)
}
