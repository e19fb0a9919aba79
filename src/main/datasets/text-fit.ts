// Tokens per character of a stored dataset's text as a model's tokenizer cuts it, for the Train page:
// the import wizard's fragmentation warning (Chinese takes 2.09 tokens a character on GPT-2's
// tokenizer) again where the dataset and the model are chosen together. Measured on the first records
// of the training split, so it stays quick on any dataset size.
import { resolve } from 'node:path'
import type { NormalizedRecord } from '../../shared/datasets'
import type { TextFit } from '../../shared/runs'
import type { DatasetsRepository } from '../store/datasets-repository'
import type { Store } from '../store/store'
import { FRAGMENTATION_THRESHOLD } from './statistics'
import type { TextTokenizer } from './text-tokenizer'
import { tokensPerChar } from './tokens-per-char'

/** Records measured: enough for a stable ratio, few enough to answer as the form changes. */
export const TEXT_FIT_RECORDS = 200

/** The records the Train page measures: the first TEXT_FIT_RECORDS of the training split. */
export function textFitRecords(
  datasets: Pick<DatasetsRepository, 'records'>,
  datasetId: number
): NormalizedRecord[] {
  const rows = datasets.records(datasetId, { split: 'train', limit: TEXT_FIT_RECORDS })
  return rows.map((row) => row.record as NormalizedRecord)
}

/** All of them: the record limit is the budget here. */
export const TEXT_FIT_BUDGET = Number.POSITIVE_INFINITY

export async function datasetTextFit(
  store: Store,
  datasetId: number,
  tokenizer: TextTokenizer
): Promise<TextFit | null> {
  const records = textFitRecords(store.datasets, datasetId)
  const { characters, ratio } = await tokensPerChar(records, tokenizer, TEXT_FIT_BUDGET)
  if (characters === 0) return null
  return {
    tokenizer: tokenizer.name ?? 'gpt2',
    tokensPerCharacter: ratio,
    fragmented: ratio > FRAGMENTATION_THRESHOLD
  }
}

/**
 * The Train page's measure: dataset `datasetId` cut by the tokenizer of the model in folder
 * `baseModel` (a registered model's own; GPT-2's for a folder not registered).
 */
export function createTextFit(
  store: Store,
  tokenizerFor: (modelId?: number) => Promise<TextTokenizer>
): (datasetId: number, baseModel: string) => Promise<TextFit | null> {
  return async (datasetId, baseModel) => {
    if (!store.datasets.get(datasetId)) return null
    const model = store.models.list().find((m) => resolve(m.path) === resolve(baseModel))
    return datasetTextFit(store, datasetId, await tokenizerFor(model?.id))
  }
}
