// Reads the chosen files in order and yields normalized records: parse problems, invalid records and
// files that cannot be read at all go to the report (and are skipped), duplicates are counted (and dropped when asked). Shared by preview and import so
// both see exactly the same records.
import type {
  DatasetFormatName,
  DatasetProblem,
  NormalizedRecord,
  SourceLocation
} from '../../shared/datasets'
import { normalizeRecord, type ResolvedMapping } from './field-mapping'
import type { FingerprintSet } from './fingerprint-set'
import { FatalSourceError, makeProblem } from './problems'
import { readSource } from './sources/read-source'
import type { SourceFile, SourceItem, SourceLimits } from './sources/source-types'
import type { ReportBuilder } from './validation-report'

export interface StreamOptions {
  format: DatasetFormatName
  mapping: ResolvedMapping
  dedupe: boolean
  limits: SourceLimits
  report: ReportBuilder
  /** Fingerprints of records already seen (shared between the training and validation files). */
  seen: FingerprintSet
  onProgress?: (file: SourceFile, bytesRead: number) => void
}

export interface LocatedRecord {
  record: NormalizedRecord
  location: SourceLocation
}

export async function* normalizedRecords(
  files: SourceFile[],
  options: StreamOptions
): AsyncGenerator<LocatedRecord> {
  const { report } = options
  for (const file of files) {
    const items = readSource(file, { limits: options.limits, onBytes: (n) => options.onProgress?.(file, n) })
    try {
      for await (const item of items) {
        const located = take(item, options)
        if (located) yield located
      }
      report.report.filesRead++
    } catch (err) {
      // A file that cannot be read at all is reported with its file (and line) and skipped; the
      // other files still count. Strict imports stop on it, as on any other error.
      if (!(err instanceof FatalSourceError)) throw err
      report.add(err.problem)
    }
  }
}

/** Counts one item from a reader in the report; the normalized record when it is kept. */
function take(item: SourceItem, options: StreamOptions): LocatedRecord | null {
  const { report } = options
  if (item.type === 'problem') {
    if (item.problem.severity === 'error') {
      report.report.recordsRead++
      report.report.recordsSkipped++
    }
    report.add(item.problem)
    return null
  }
  report.report.recordsRead++
  const result = normalizeRecord(item.value, options.format, options.mapping, item.location)
  if (!result.ok) {
    report.report.recordsSkipped++
    result.problems.forEach((p) => report.add(p))
    return null
  }
  if (!options.seen.add(JSON.stringify(result.record))) {
    report.report.duplicates++
    const what = options.dedupe ? 'duplicate of an earlier record, removed' : 'duplicate of an earlier record'
    report.add(makeProblem(item.location, 'duplicate', what, { severity: 'warning' }))
    if (options.dedupe) {
      report.report.duplicatesRemoved++
      return null
    }
  }
  report.report.recordsValid++
  return { record: result.record, location: item.location }
}

/** The first `count` parsed values across the files, for detection and field summaries. */
export async function sampleValues(
  files: SourceFile[],
  count: number,
  limits: SourceLimits
): Promise<{ values: { value: unknown; location: SourceLocation }[]; problems: DatasetProblem[] }> {
  const values: { value: unknown; location: SourceLocation }[] = []
  const problems: DatasetProblem[] = []
  const perFile = Math.max(1, Math.ceil(count / files.length))
  for (const file of files) {
    let taken = 0
    try {
      for await (const item of readSource(file, { limits })) {
        if (item.type === 'problem') problems.push(item.problem)
        else {
          values.push({ value: item.value, location: item.location })
          taken++
        }
        if (taken >= perFile || values.length >= count) break
      }
    } catch (err) {
      if (!(err instanceof FatalSourceError)) throw err
      problems.push(err.problem)
    }
    if (values.length >= count) break
  }
  return { values, problems }
}
