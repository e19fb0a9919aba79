// Builds a tokenizer from its source (GPT-2's own, or a model folder's files): the same recipe in
// main and in the import's worker thread, which cannot be handed a tokenizer object.
import { existsSync } from 'node:fs'
import { basename, join } from 'node:path'
import { readDecoderConfig } from '../../engine/formats/model-folder-info'
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

/**
 * The tokenizer a run on the model in `dir` trains with: GPT-2's for a GPT-2 folder (every GPT-2-family
 * model shares it), the folder's own tokenizer.json and chat template for a Llama/Qwen one.
 */
export async function modelFolderTokenizer(dir: string): Promise<TextTokenizer> {
  const config = await readDecoderConfig(dir)
  if (config.modelType === 'gpt2') return defaultTokenizer()
  if (!existsSync(join(dir, 'tokenizer.json'))) {
    throw new Error(
      `${dir} has no tokenizer.json; a ${config.modelType} model needs its own tokenizer (copy the model's tokenizer files into the folder)`
    )
  }
  return folderTokenizer({ kind: 'folder', path: dir, name: basename(dir) })
}

export function loadTokenizer(source: TokenizerSource): Promise<TextTokenizer> {
  return source.kind === 'gpt2' ? defaultTokenizer() : folderTokenizer(source)
}
