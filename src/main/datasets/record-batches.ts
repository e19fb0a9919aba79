// Processes an import's records a batch at a time (tokenized, fitted to the max length, counted) and
// hands back only the counts and the problems found, so the same import loop can run the work in a
// worker thread (tokenize-worker-client.ts) or, for a tokenizer that has no source, inline.
import type { DatasetProblem, ProcessingSettings } from '../../shared/datasets'
import { processRecord, type ProcessedRecord } from './record-processor'
import type { LocatedRecord } from './record-stream'
import type { TextTokenizer } from './text-tokenizer'
import { ReportBuilder } from './validation-report'

export type ProcessSettings = Pick<
  ProcessingSettings,
  'template' | 'trainOnPrompt' | 'maxLength' | 'textMode' | 'overlap' | 'overlong'
>

/** What an import keeps of a processed record besides the record itself. */
export type RecordCounts = Omit<ProcessedRecord, 'record' | 'location'>

export interface BatchResult {
  /** One per record, in order; null where the record was dropped. */
  counts: (RecordCounts | null)[]
  /** Warnings (truncated, dropped), each with the index of its record in the batch. */
  problems: { record: number; problem: DatasetProblem }[]
  dropped: number
  truncated: number
}

export interface RecordBatchProcessor {
  process(batch: LocatedRecord[]): Promise<BatchResult>
}

export function processBatch(
  batch: LocatedRecord[],
  settings: ProcessSettings,
  tokenizer: TextTokenizer
): BatchResult {
  const report = new ReportBuilder()
  const problems: BatchResult['problems'] = []
  const counts = batch.map(({ record, location }, index): RecordCounts | null => {
    const before = report.listed
    const processed = processRecord(record, location, settings, tokenizer, report)
    for (const problem of report.report.problems.slice(before)) problems.push({ record: index, problem })
    if (!processed) return null
    const { record: _r, location: _l, ...rest } = processed
    return rest
  })
  return {
    counts,
    problems,
    dropped: report.report.dropped,
    truncated: report.report.truncated
  }
}

/**
 * Adds a batch's problems and counts to the import's report, each problem where it would be had it
 * been found as its record was read: `listedAt[i]` is `into.listed` when record i was read.
 */
export function mergeBatch(into: ReportBuilder, result: BatchResult, listedAt: readonly number[]): void {
  into.report.dropped += result.dropped
  into.report.truncated += result.truncated
  result.problems.forEach(({ record, problem }, inserted) =>
    into.insert(problem, listedAt[record] + inserted)
  )
}

export function inlineProcessor(settings: ProcessSettings, tokenizer: TextTokenizer): RecordBatchProcessor {
  return { process: async (batch) => processBatch(batch, settings, tokenizer) }
}
