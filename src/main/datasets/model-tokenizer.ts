// Finds the tokenizer that counts a dataset's tokens: the chosen model's own (from its folder), or
// GPT-2's when no model is chosen, since that is what every GPT-2-family model uses. Cached per model.
import { ServiceError } from '../../shared/errors'
import type { SqliteDatabase } from '../store/database'
import { createModelsRepository } from '../store/models-repository'
import { defaultTokenizer } from './default-tokenizer'
import type { TextTokenizer } from './text-tokenizer'
import { folderTokenizer } from './tokenizer-source'

export function createTokenizerResolver(db: SqliteDatabase): (modelId?: number) => Promise<TextTokenizer> {
  const models = createModelsRepository(db)
  const cache = new Map<number, Promise<TextTokenizer>>()
  return (modelId) => {
    if (modelId === undefined) return defaultTokenizer()
    const model = models.get(modelId)
    if (!model)
      throw new ServiceError(
        'not_found',
        `Model ${modelId} does not exist; choose another model or none (GPT-2's tokenizer).`
      )
    let tokenizer = cache.get(modelId)
    if (!tokenizer) {
      tokenizer = folderTokenizer({ kind: 'folder', path: model.path, name: model.name }).catch(
        (err: unknown) => {
          cache.delete(modelId)
          throw new ServiceError(
            'invalid_input',
            `The tokenizer of model "${model.name}" cannot be read: ${(err as Error).message}`
          )
        }
      )
      cache.set(modelId, tokenizer)
    }
    return tokenizer
  }
}
