// Imports a dataset: reads every file as a stream, validates and tokenizes each record, spools them
// to a temporary file, then writes the dataset and all its records in one SQLite transaction. A
// file that cannot be read, or nothing valid, aborts with the reasons and leaves nothing behind.
import { join } from 'node:path'
import type {
  DatasetDetail,
  DatasetSettings,
  ImportProgressEvent,
  ImportRequest,
  NormalizedRecord,
  SourceLocation
} from '../../shared/datasets'
import { ServiceError } from '../../shared/errors'
import { createDatasetsRepository, type NewDatasetRecord } from '../store/datasets-repository'
import type { SqliteDatabase } from '../store/database'
import { toDatasetDetail } from './dataset-view'
import { FingerprintSet } from './fingerprint-set'
import { FatalSourceError } from './problems'
import { processRecord, type ProcessedRecord } from './record-processor'
import { normalizedRecords } from './record-stream'
import { checkSettings, decideFormat } from './settings'
import { resolveSources } from './sources/folder-source'
import { defaultLimits, type SourceFile, type SourceLimits } from './sources/source-types'
import { SpoolFile } from './spool-file'
import { chooseValidation } from './split'
import { StatisticsAccumulator } from './statistics'
import type { TextTokenizer } from './text-tokenizer'
import { ReportBuilder, summarizeReport } from './validation-report'

export interface ImportDeps {
  db: SqliteDatabase
  dataDir: string
  tokenizer: TextTokenizer
  onProgress?: (event: ImportProgressEvent) => void
  limits?: SourceLimits
}

interface SpooledRecord {
  record: NormalizedRecord
  location: SourceLocation
  tokens: number
  trained: number
  samples: number
  maxSample: number
  /** From the separate validation files. */
  validation: boolean
}

const PROGRESS_INTERVAL_MS = 250

export async function importDataset(deps: ImportDeps, request: ImportRequest): Promise<DatasetDetail> {
  checkSettings(request)
  const limits = deps.limits ?? defaultLimits
  const repo = createDatasetsRepository(deps.db)
  if (repo.list().some((d) => d.name === request.name)) {
    throw new ServiceError('conflict', `A dataset named "${request.name}" already exists; choose another name.`, [
      { path: 'name', message: 'already used' }
    ])
  }
  const { files } = await resolveSources(request.paths)
  const validationFiles = request.split.kind === 'file' ? (await resolveSources(request.split.paths)).files : []
  const decided = await decideFormat(files, request, limits)
  const settings: DatasetSettings = {
    format: decided.format,
    mapping: { ...decided.mapping, input: decided.mapping.input ?? undefined },
    template: request.template,
    trainOnPrompt: request.trainOnPrompt,
    maxLength: request.maxLength,
    textMode: request.textMode,
    overlap: request.overlap,
    overlong: request.overlong,
    dedupe: request.dedupe,
    split: request.split,
    modelId: request.modelId
  }

  const report = new ReportBuilder()
  const packed = decided.format === 'text' && request.textMode === 'pack'
  const cutsOverlong = decided.format !== 'text' || request.textMode === 'truncate'
  const stats = new StatisticsAccumulator(request.maxLength, packed, cutsOverlong)
  const spool = new SpoolFile<SpooledRecord>(join(deps.dataDir, 'tmp'))
  const bytesTotal = [...files, ...validationFiles].reduce((n, f) => n + f.bytes, 0)
  let bytesDone = 0
  let lastProgress = 0
  const progress = (phase: ImportProgressEvent['phase'], file: SourceFile | null, bytesInFile = 0): void => {
    deps.onProgress?.({
      name: request.name,
      phase,
      file: file?.display ?? null,
      bytesRead: bytesDone + bytesInFile,
      bytesTotal,
      records: spool.count
    })
  }

  try {
    const seen = new FingerprintSet()
    let validationRecords = 0
    const read = async (list: SourceFile[], validation: boolean): Promise<void> => {
      for (const file of list) {
        const stream = normalizedRecords([file], {
          format: decided.format,
          mapping: decided.mapping,
          dedupe: request.dedupe,
          limits,
          report,
          seen,
          onProgress: (f, n) => {
            const now = Date.now()
            if (now - lastProgress >= PROGRESS_INTERVAL_MS) {
              lastProgress = now
              progress('reading', f, n)
            }
          }
        })
        for await (const { record, location } of stream) {
          const processed: ProcessedRecord | null = processRecord(record, location, request, deps.tokenizer, report)
          if (request.strict && report.hasErrors()) break
          if (!processed) continue
          stats.addRecord(processed.fullTokens, processed.characters, processed.contentTokens)
          if (validation) validationRecords++
          await spool.write({
            record,
            location,
            tokens: processed.tokens,
            trained: processed.trained,
            samples: processed.samples,
            maxSample: processed.maxSample,
            validation
          })
        }
        bytesDone += file.bytes
        if (request.strict && report.hasErrors()) {
          throw new ServiceError(
            'invalid_input',
            `Import stopped (strict mode): ${report.report.problems.length + report.report.problemsOmitted} problem(s):\n${summarizeReport(report.report)}`
          )
        }
      }
    }
    await read(files, false)
    await read(validationFiles, true)
    await spool.close()

    const trainCandidates = spool.count - validationRecords
    if (spool.count === 0 || trainCandidates === 0) {
      throw new ServiceError(
        'invalid_input',
        `Nothing to import: none of the ${report.report.recordsRead} record(s) read is a valid ${decided.format} record` +
          ` (${decided.detected.reason}).\n${summarizeReport(report.report)}`
      )
    }
    const flags =
      request.split.kind === 'ratio'
        ? chooseValidation(trainCandidates, request.split.validationRatio, request.split.seed)
        : new Uint8Array(trainCandidates)

    progress('writing', null)
    const stored = deps.db.transaction(() => {
      let ordinal = 0
      let candidate = 0
      function* rows(): Generator<NewDatasetRecord> {
        for (const r of spool.readSync()) {
          const split = r.validation || flags[candidate++] === 1 ? 'validation' : 'train'
          stats.addSamples(split, r)
          yield {
            ordinal: ordinal++,
            split,
            location: r.location,
            record: r.record,
            tokens: r.tokens,
            trainedTokens: r.trained
          }
        }
      }
      const created = repo.create({
        name: request.name,
        format: decided.format,
        settings,
        sources: [...files, ...validationFiles].map((f) => f.path)
      })
      repo.addRecords(created.id, rows())
      const statistics = stats.finish({
        tokenizer: deps.tokenizer.name ?? 'gpt2',
        batchSize: request.batchSize,
        gradientAccumulation: request.gradientAccumulation
      })
      return repo.finish(created.id, statistics, report.report)
    })()
    progress('done', null)
    return toDatasetDetail(stored)
  } catch (err) {
    progress('failed', null)
    if (err instanceof FatalSourceError) {
      throw new ServiceError(
        'invalid_input',
        `Import aborted, nothing was saved: ${err.problem.message}`,
        [{ path: 'paths', message: err.problem.message }]
      )
    }
    throw err
  } finally {
    await spool.remove()
  }
}
