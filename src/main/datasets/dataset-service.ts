// The datasets API as main serves it (handlers.datasets): inspect, preview, import with progress
// events, browse and delete, the CWE sample datasets, and tokens per character on a model's tokenizer. Wired into the app context.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { ApiEvents, ApiHandlers, EventName } from '../../shared/contract'
import { ImportInput, type DatasetDetail } from '../../shared/datasets'
import { ServiceError } from '../../shared/errors'
import { createDatasetsRepository } from '../store/datasets-repository'
import type { SqliteDatabase } from '../store/database'
import { toDatasetDetail, toDatasetSummary } from './dataset-view'
import { discardDataset } from './discard-dataset'
import { ImportControl } from './import-control'
import { importDataset } from './import-service'
import { inspectPaths, previewPaths, previewSample } from './preview-service'
import { searchRecords } from './record-search'
import { samples } from './sample-files'
import { defaultLimits, type SourceLimits } from './sources/source-types'
import type { TextTokenizer } from './text-tokenizer'
import { writeSampleInWorker } from './tokenize-worker-client'
import { createTokensPerCharService } from './tokens-per-char-service'
import type { DatasetSettings, NormalizedRecord, SourceLocation } from '../../shared/datasets'

export interface DatasetServiceDeps {
  db: SqliteDatabase
  dataDir: string
  /** The chosen model's tokenizer; with no model, GPT-2's (see default-tokenizer.ts). */
  tokenizerFor(modelId?: number): Promise<TextTokenizer>
  emit<E extends EventName>(event: E, data: ApiEvents[E]): void
  limits?: SourceLimits
  /** The app's imports in progress, cancelled when it closes; default: one of this service's own. */
  imports?: ImportControl
}

export function createDatasetService(deps: DatasetServiceDeps): ApiHandlers['datasets'] {
  const limits = deps.limits ?? defaultLimits
  const imports = deps.imports ?? new ImportControl()
  const repo = createDatasetsRepository(deps.db)
  const get = (id: number): DatasetDetail => {
    const d = repo.get(id)
    if (!d) throw new ServiceError('not_found', `Dataset ${id} does not exist; it may have been deleted.`)
    return toDatasetDetail(d)
  }
  const runImport = async (
    request: Parameters<ApiHandlers['datasets']['import']>[0]
  ): Promise<DatasetDetail> => {
    const tokenizer = await deps.tokenizerFor(request.modelId)
    return imports.run((signal) =>
      importDataset(
        {
          db: deps.db,
          dataDir: deps.dataDir,
          tokenizer,
          onProgress: (e) => deps.emit('dataset.importProgress', e),
          limits,
          signal
        },
        request
      )
    )
  }

  return {
    inspect: (input) => inspectPaths(input.paths, input.sampleSize, limits),
    preview: async (input) => previewPaths(input, await deps.tokenizerFor(input.modelId), limits),
    import: runImport,
    list: async () => repo.list().map(toDatasetSummary),
    get: async ({ id }) => get(id),
    records: async ({ id, ...page }) => {
      get(id)
      return searchRecords(deps.db, id, page)
    },
    recordPreview: async ({ datasetId, recordId }) => {
      const dataset = get(datasetId)
      const row = repo.record(recordId)
      if (!row || row.datasetId !== datasetId) {
        throw new ServiceError('not_found', `Record ${recordId} is not in dataset ${datasetId}.`)
      }
      const settings: DatasetSettings = dataset.settings
      const tokenizer = await deps.tokenizerFor(settings.modelId)
      return previewSample(
        row.record as NormalizedRecord,
        row.location as SourceLocation,
        settings,
        tokenizer
      )
    },
    delete: async ({ id }) => {
      get(id)
      // Hidden at once, then deleted in short steps: one statement over a large dataset's records
      // holds main for as long as it runs. A process killed meanwhile leaves it to the start-up sweep.
      if (!repo.hide(id, process.pid))
        throw new ServiceError('not_found', `Dataset ${id} is already being deleted.`)
      await discardDataset(deps.db, id)
      return { deleted: true }
    },
    tokensPerChar: createTokensPerCharService(deps.db, deps.tokenizerFor),
    addSample: async ({ kind, name }) => {
      const sample = samples[kind]
      const dir = join(deps.dataDir, 'samples')
      mkdirSync(dir, { recursive: true })
      const path = join(dir, sample.file)
      await writeSampleInWorker(kind, path)
      const base = name ?? sample.name
      let unique = base
      for (let n = 2; repo.nameTaken(unique); n++) unique = `${base} (${n})`
      return runImport(ImportInput.parse({ name: unique, paths: [path], format: sample.format }))
    }
  }
}
