// datasets.tokensPerChar: a stored dataset's text on a registered model's tokenizer beside GPT-2's, for
// the Train form's model picker (each model's tokens a character) and its GPT-2 comparison. Reading a
// Qwen tokenizer and cutting the records takes a while, so each answer is kept per dataset and model.
import { ServiceError } from '../../shared/errors'
import type { TokensPerCharComparison, TokensPerCharMeasure } from '../../shared/datasets'
import type { SqliteDatabase } from '../store/database'
import { createDatasetsRepository } from '../store/datasets-repository'
import { createModelsRepository } from '../store/models-repository'
import { FRAGMENTATION_THRESHOLD } from './statistics'
import { TEXT_FIT_BUDGET, textFitRecords } from './text-fit'
import type { TextTokenizer } from './text-tokenizer'
import { compareTokensPerChar, type TokensPerChar } from './tokens-per-char'

function measure(tokenizer: string, { tokens, characters, ratio }: TokensPerChar): TokensPerCharMeasure {
  return { tokenizer, tokens, characters, ratio }
}

export function createTokensPerCharService(
  db: SqliteDatabase,
  tokenizerFor: (modelId: number) => Promise<TextTokenizer>
): (input: { datasetId: number; modelId: number }) => Promise<TokensPerCharComparison> {
  const datasets = createDatasetsRepository(db)
  const models = createModelsRepository(db)
  const cache = new Map<string, Promise<TokensPerCharComparison>>()
  return ({ datasetId, modelId }) => {
    const dataset = datasets.get(datasetId)
    if (!dataset)
      throw new ServiceError('not_found', `Dataset ${datasetId} does not exist; it may have been deleted.`)
    const model = models.get(modelId)
    if (!model)
      throw new ServiceError('not_found', `Model ${modelId} does not exist; it may have been deleted.`)
    // A sample added to the dataset changes its records; a model registered again gets another path.
    const key = [datasetId, dataset.recordCount, dataset.createdAt, modelId, model.path].join('\u0000')
    let found = cache.get(key)
    if (!found) {
      found = (async () => {
        const tokenizer = await tokenizerFor(modelId)
        const counts = await compareTokensPerChar(
          textFitRecords(datasets, datasetId),
          tokenizer,
          TEXT_FIT_BUDGET
        )
        return {
          datasetId,
          modelId,
          gpt2: measure('gpt2', counts.gpt2),
          model: measure(tokenizer.name ?? model.name, counts.model),
          gpt2Fragmented: counts.gpt2.ratio > FRAGMENTATION_THRESHOLD
        }
      })()
      found.catch(() => cache.delete(key))
      cache.set(key, found)
    }
    return found
  }
}
