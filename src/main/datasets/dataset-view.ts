// Turns what the store keeps about a dataset (JSON columns typed unknown) into the API's types.
import type {
  DatasetDetail,
  DatasetSettings,
  DatasetStatistics,
  DatasetSummary,
  ValidationReport
} from '../../shared/datasets'
import type { StoredDataset } from '../store/datasets-repository'

export function toDatasetSummary(d: StoredDataset): DatasetSummary {
  return {
    id: d.id,
    name: d.name,
    format: d.format,
    recordCount: d.recordCount,
    trainCount: d.trainCount,
    validationCount: d.validationCount,
    totalTokens: d.totalTokens,
    sources: d.sources,
    createdAt: d.createdAt
  }
}

export function toDatasetDetail(d: StoredDataset): DatasetDetail {
  return {
    ...toDatasetSummary(d),
    settings: d.settings as DatasetSettings,
    statistics: d.statistics as DatasetStatistics,
    report: d.report as ValidationReport
  }
}
