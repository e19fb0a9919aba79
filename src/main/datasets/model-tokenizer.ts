// Finds the tokenizer that counts a dataset's tokens: the chosen model's own (from its folder), or
// GPT-2's when no model is chosen, since that is what every GPT-2-family model uses. Cached per model.
import { ServiceError } from '../../shared/errors'
import { Gpt2Tokenizer } from '../../engine/tokenizer/gpt2-tokenizer'
import type { SqliteDatabase } from '../store/database'
import { createModelsRepository } from '../store/models-repository'
import { defaultTokenizer } from './default-tokenizer'
import type { TextTokenizer } from './text-tokenizer'

export function createTokenizerResolver(db: SqliteDatabase): (modelId?: number) => Promise<TextTokenizer> {
  const models = createModelsRepository(db)
  const cache = new Map<number, Promise<TextTokenizer>>()
  return (modelId) => {
    if (modelId === undefined) return defaultTokenizer()
    const model = models.get(modelId)
    if (!model) throw new ServiceError('not_found', `Model ${modelId} does not exist; choose another model or none (GPT-2's tokenizer).`)
    let tokenizer = cache.get(modelId)
    if (!tokenizer) {
      tokenizer = Gpt2Tokenizer.fromFolder(model.path).then(
        (t): TextTokenizer => ({
          name: model.name,
          eosTokenId: t.eosTokenId,
          encode: (text) => t.encode(text),
          decode: (ids) => t.decode(ids),
          decodeBytes: (ids) => t.decodeBytes(ids)
        }),
        (err: unknown) => {
          cache.delete(modelId)
          throw new ServiceError('invalid_input', `The tokenizer of model "${model.name}" cannot be read: ${(err as Error).message}`)
        }
      )
      cache.set(modelId, tokenizer)
    }
    return tokenizer
  }
}
