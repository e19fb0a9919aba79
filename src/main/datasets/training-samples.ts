// Builds the token samples a training run feeds the model from a stored dataset, with the settings
// it was imported with: the same template, mask, truncation and packing as its statistics counted.
import type { DatasetSettings, NormalizedRecord, TemplateSpec } from '../../shared/datasets'
import { ServiceError } from '../../shared/errors'
import { createDatasetsRepository } from '../store/datasets-repository'
import type { SqliteDatabase } from '../store/database'
import { fitRecord, Packer } from './packing'
import type { TextTokenizer } from './text-tokenizer'
import { tokenizeRecord, type TokenizedSample } from './tokenize-record'

export interface TrainingSamples {
  train: TokenizedSample[]
  validation: TokenizedSample[]
  /** The dataset's template, for chat to format prompts the way the model was trained. */
  template: TemplateSpec
  maxLength: number
}

export function samplesOf(records: Iterable<NormalizedRecord>, settings: DatasetSettings, tokenizer: TextTokenizer): TokenizedSample[] {
  const out: TokenizedSample[] = []
  const packer = settings.format === 'text' && settings.textMode === 'pack' ? new Packer(settings.maxLength) : null
  for (const record of records) {
    const sample = tokenizeRecord(record, settings.template, tokenizer, settings.trainOnPrompt)
    if (packer) {
      out.push(...packer.push(sample.inputIds))
      continue
    }
    const fit = fitRecord(sample, record.kind === 'text', settings)
    if (fit.kind !== 'dropped') out.push(...fit.samples)
  }
  if (packer) out.push(...packer.flush())
  return out
}

export function buildTrainingSamples(db: SqliteDatabase, datasetId: number, tokenizer: TextTokenizer): TrainingSamples {
  const repo = createDatasetsRepository(db)
  const dataset = repo.get(datasetId)
  if (!dataset) throw new ServiceError('not_found', `Dataset ${datasetId} does not exist; choose another dataset for the run.`)
  const settings = dataset.settings as DatasetSettings
  const recordsOf = (split: 'train' | 'validation') =>
    repo.records(datasetId, { split }).map((r) => r.record as NormalizedRecord)
  return {
    train: samplesOf(recordsOf('train'), settings, tokenizer),
    validation: samplesOf(recordsOf('validation'), settings, tokenizer),
    template: settings.template,
    maxLength: settings.maxLength
  }
}
