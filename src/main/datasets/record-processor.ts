// One record's way from normalized content to what statistics and storage need: tokenized with the
// template, fitted to the max length (truncated, dropped or split), counted; over-long records are
// reported with their location. Packing across records happens later, per split.
import type { NormalizedRecord, ProcessingSettings, SourceLocation } from '../../shared/datasets'
import { recordText } from './field-mapping'
import { fitRecord } from './packing'
import { makeProblem } from './problems'
import type { RecordSamples } from './statistics'
import type { TextTokenizer } from './text-tokenizer'
import { countTrained, tokenizeRecord } from './tokenize-record'
import type { ReportBuilder } from './validation-report'

export interface ProcessedRecord extends RecordSamples {
  record: NormalizedRecord
  location: SourceLocation
  /** Tokens before any cut. */
  fullTokens: number
  characters: number
  /** Tokens of the content alone (no template, no EOS), for tokens per character. */
  contentTokens: number
  truncated: boolean
}

/** The import settings that shape one record's tokens (the preview formats its samples with them too). */
export type ProcessSettings = Pick<
  ProcessingSettings,
  'template' | 'trainOnPrompt' | 'maxLength' | 'textMode' | 'overlap' | 'overlong'
>

export function processRecord(
  record: NormalizedRecord,
  location: SourceLocation,
  settings: ProcessSettings,
  tokenizer: TextTokenizer,
  report: ReportBuilder
): ProcessedRecord | null {
  const sample = tokenizeRecord(record, settings.template, tokenizer, settings.trainOnPrompt)
  const isText = record.kind === 'text'
  const content = recordText(record)
  const base = {
    record,
    location,
    fullTokens: sample.inputIds.length,
    characters: content.length,
    contentTokens: isText
      ? sample.inputIds.length - 1 - (tokenizer.prefixIds?.length ?? 0)
      : tokenizer.encode(content).length,
    truncated: false
  }
  if (isText && settings.textMode === 'pack') {
    const n = sample.inputIds.length
    return { ...base, samples: 0, tokens: n, trained: n, maxSample: Math.min(n, settings.maxLength) }
  }
  const fit = fitRecord(sample, isText, settings)
  if (fit.kind === 'dropped') {
    report.report.dropped++
    report.add(makeProblem(location, 'dropped', `sample dropped: it ${fit.reason}`, { severity: 'warning' }))
    return null
  }
  if (fit.kind === 'truncated') {
    report.report.truncated++
    report.add(
      makeProblem(
        location,
        'truncated',
        `sample truncated from ${sample.inputIds.length} to ${settings.maxLength} tokens`,
        { severity: 'warning' }
      )
    )
  }
  return {
    ...base,
    truncated: fit.kind === 'truncated',
    samples: fit.samples.length,
    tokens: fit.samples.reduce((n, s) => n + s.inputIds.length, 0),
    trained: fit.samples.reduce((n, s) => n + countTrained(s), 0),
    maxSample: Math.max(...fit.samples.map((s) => s.inputIds.length))
  }
}
