// Imports a dataset: reads every file as a stream, validates and tokenizes the records a batch at a
// time (in a worker thread, see record-batches.ts), spools them to a temporary file, then writes them
// into a reserved dataset row in short transactions that let main breathe, and publishes the row at
// the end. A file that cannot be read is reported and skipped; nothing valid, a strict stop, a taken
// name or a cancel leaves nothing behind.
import { join } from 'node:path'
import type {
  DatasetDetail,
  DatasetSettings,
  ImportProgressEvent,
  ImportRequest
} from '../../shared/datasets'
import { ServiceError } from '../../shared/errors'
import { createDatasetsRepository, DatasetNameTaken, type StagedDataset } from '../store/datasets-repository'
import type { SqliteDatabase } from '../store/database'
import { toDatasetDetail } from './dataset-view'
import { discardDataset } from './discard-dataset'
import { recordText } from './field-mapping'
import { FingerprintSet } from './fingerprint-set'
import { mergeBatch } from './record-batches'
import { normalizedRecords, type LocatedRecord } from './record-stream'
import { checkSettings, decideFormat } from './settings'
import { resolveSources } from './sources/folder-source'
import { defaultLimits, type SourceFile, type SourceLimits } from './sources/source-types'
import { SpoolFile } from './spool-file'
import { writeSpooledRecords, type SpooledRecord } from './spooled-records'
import { chooseValidation } from './split'
import { StatisticsAccumulator } from './statistics'
import type { TextTokenizer } from './text-tokenizer'
import { recordProcessor } from './tokenize-worker-client'
import { ReportBuilder, summarizeReport } from './validation-report'

export interface ImportDeps {
  db: SqliteDatabase
  dataDir: string
  tokenizer: TextTokenizer
  onProgress?: (event: ImportProgressEvent) => void
  limits?: SourceLimits
  /** Aborted to cancel the import (the app or the CLI closing); it then saves nothing. */
  signal?: AbortSignal
}

const PROGRESS_INTERVAL_MS = 250
/** A batch for the tokenizer: big enough that a worker round trip is cheap, small enough to stay responsive. */
const BATCH_RECORDS = 256
const BATCH_CHARACTERS = 256 * 1024

function nameTaken(name: string): ServiceError {
  return new ServiceError('conflict', `A dataset named "${name}" already exists; choose another name.`, [
    { path: 'name', message: 'already used' }
  ])
}

export async function importDataset(deps: ImportDeps, request: ImportRequest): Promise<DatasetDetail> {
  checkSettings(request, deps.tokenizer)
  const limits = deps.limits ?? defaultLimits
  const repo = createDatasetsRepository(deps.db)
  // A quick answer before any reading; the UNIQUE index decides when the name is reserved below.
  if (repo.nameTaken(request.name)) throw nameTaken(request.name)
  const { files } = await resolveSources(request.paths)
  const validationFiles =
    request.split.kind === 'file' ? (await resolveSources(request.split.paths)).files : []
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
  const bytesTotal = [...files, ...validationFiles].reduce((n, f) => n + f.bytes, 0)
  let bytesDone = 0
  let lastProgress = 0
  let spooled = 0
  const progress = (phase: ImportProgressEvent['phase'], file: SourceFile | null, bytesInFile = 0): void => {
    deps.onProgress?.({
      name: request.name,
      phase,
      file: file?.display ?? null,
      bytesRead: bytesDone + bytesInFile,
      bytesTotal,
      records: spooled
    })
  }

  let staged: StagedDataset | null = null
  let spool: SpoolFile<SpooledRecord> | null = null
  try {
    try {
      staged = repo.reserve(
        {
          name: request.name,
          format: decided.format,
          settings,
          sources: [...files, ...validationFiles].map((f) => f.path)
        },
        process.pid
      )
    } catch (err) {
      throw err instanceof DatasetNameTaken ? nameTaken(request.name) : err
    }
    const out = new SpoolFile<SpooledRecord>(join(deps.dataDir, 'tmp'))
    spool = out
    const batches = recordProcessor(request, deps.tokenizer)
    const seen = new FingerprintSet()
    let validationRecords = 0

    let batch: LocatedRecord[] = []
    /** Per record of the batch: the report's listed problems when it was read. */
    let listedAt: number[] = []
    let batchCharacters = 0
    const flush = async (validation: boolean): Promise<void> => {
      if (batch.length === 0) return
      const records = batch
      const at = listedAt
      batch = []
      listedAt = []
      batchCharacters = 0
      const result = await batches.process(records)
      mergeBatch(report, result, at)
      for (let i = 0; i < records.length; i++) {
        const counts = result.counts[i]
        if (!counts) continue
        stats.addRecord(counts.fullTokens, counts.characters, counts.contentTokens)
        if (validation) validationRecords++
        spooled++
        await out.write({
          record: records[i].record,
          location: records[i].location,
          tokens: counts.tokens,
          trained: counts.trained,
          samples: counts.samples,
          maxSample: counts.maxSample,
          validation
        })
      }
    }
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
        for await (const located of stream) {
          deps.signal?.throwIfAborted()
          if (request.strict && report.hasErrors()) break
          batch.push(located)
          listedAt.push(report.listed)
          batchCharacters += recordText(located.record).length
          if (batch.length >= BATCH_RECORDS || batchCharacters >= BATCH_CHARACTERS) await flush(validation)
        }
        await flush(validation)
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
    await out.close()

    const trainCandidates = out.count - validationRecords
    if (out.count === 0 || trainCandidates === 0) {
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
    const totals = await writeSpooledRecords(deps.db, staged.id, out.readSync(), flags, stats, deps.signal)
    const statistics = stats.finish({
      tokenizer: deps.tokenizer.name ?? 'gpt2',
      batchSize: request.batchSize,
      gradientAccumulation: request.gradientAccumulation
    })
    const stored = repo.publish(staged.id, totals, statistics, report.report)
    staged = null
    progress('done', null)
    return toDatasetDetail(stored)
  } catch (err) {
    progress('failed', null)
    // If even this fails (the database closed under it), the row stays hidden and the next start sweeps it.
    if (staged) await discardDataset(deps.db, staged.id).catch(() => undefined)
    if (deps.signal?.aborted) {
      throw new ServiceError('cancelled', `Import of "${request.name}" cancelled; nothing was saved.`)
    }
    throw err
  } finally {
    await spool?.remove()
  }
}
