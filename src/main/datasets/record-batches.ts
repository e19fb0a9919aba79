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
  problems: DatasetProblem[]
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
  const counts = batch.map(({ record, location }): RecordCounts | null => {
    const processed = processRecord(record, location, settings, tokenizer, report)
    if (!processed) return null
    const { record: _r, location: _l, ...rest } = processed
    return rest
  })
  return {
    counts,
    problems: report.report.problems,
    dropped: report.report.dropped,
    truncated: report.report.truncated
  }
}

/** Adds a batch's problems and counts to the import's report, as if processed there. */
export function mergeBatch(into: ReportBuilder, result: BatchResult): void {
  into.report.dropped += result.dropped
  into.report.truncated += result.truncated
  for (const p of result.problems) into.add(p)
}

export function inlineProcessor(settings: ProcessSettings, tokenizer: TextTokenizer): RecordBatchProcessor {
  return { process: async (batch) => processBatch(batch, settings, tokenizer) }
}
