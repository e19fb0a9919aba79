// What the import wizard shows before anything is saved: detection with its reason and the fields
// found (inspect), then formatted samples with their mask, the validation report and statistics
// over the first records (preview), using exactly the import's reading and tokenizing code.
import type {
  InspectResult,
  NormalizedRecord,
  PreviewResult,
  PreviewSample,
  ProcessingSettings,
  SourceLocation
} from '../../shared/datasets'
import { detectFormat, summarizeFields } from './format-detect'
import { FingerprintSet } from './fingerprint-set'
import { maskPreview } from './mask-preview'
import { fitRecord } from './packing'
import { makeProblem } from './problems'
import { processRecord, type ProcessSettings } from './record-processor'
import { normalizedRecords, sampleValues } from './record-stream'
import { checkSettings, decideFormat } from './settings'
import { resolveSources } from './sources/folder-source'
import type { SourceLimits } from './sources/source-types'
import { StatisticsAccumulator } from './statistics'
import { formattedText, renderRecord } from './templates'
import type { TextTokenizer } from './text-tokenizer'
import { tokenizePieces } from './tokenize-record'
import { ReportBuilder } from './validation-report'

/** Records read for a preview's statistics; the import counts all of them. */
export const PREVIEW_RECORDS = 2000

export async function inspectPaths(
  paths: string[],
  sampleSize: number,
  limits: SourceLimits
): Promise<InspectResult> {
  const { files, skipped } = await resolveSources(paths)
  const { values, problems } = await sampleValues(files, sampleSize, limits)
  const { best, alternatives } = detectFormat(values.map((v) => v.value))
  for (const [ext, count] of Object.entries(skipped)) {
    problems.push(
      makeProblem(
        { file: paths.join(', ') },
        'unsupported_file',
        `${count} ${ext} file(s) skipped: not a dataset format`,
        {
          severity: 'warning'
        }
      )
    )
  }
  return {
    files: files.map((f) => ({ path: f.path, display: f.display, bytes: f.bytes, kind: f.kind })),
    detected: best,
    alternatives,
    fields: summarizeFields(values.map((v) => v.value)),
    samples: values.slice(0, sampleSize),
    problems
  }
}

/** One record formatted as the model will see it, with each token marked trained or masked. */
export function previewSample(
  record: NormalizedRecord,
  location: SourceLocation,
  settings: ProcessSettings,
  tokenizer: TextTokenizer
): PreviewSample {
  const pieces = renderRecord(record, settings.template, tokenizer.chatTemplate)
  const full = tokenizePieces(pieces, tokenizer, settings.trainOnPrompt)
  const text = formattedText(pieces, tokenizer.decode([tokenizer.eosTokenId]))
  const over = full.inputIds.length > settings.maxLength
  if (record.kind === 'text' || !over) {
    const shown = over
      ? {
          inputIds: full.inputIds.slice(0, settings.maxLength),
          labels: full.labels.slice(0, settings.maxLength)
        }
      : full
    return { location, record, text, mask: maskPreview(shown, tokenizer, over) }
  }
  const fit = fitRecord(full, false, settings)
  const shown = fit.kind === 'dropped' ? full : fit.samples[0]
  return { location, record, text, mask: maskPreview(shown, tokenizer, true) }
}

export async function previewPaths(
  input: ProcessingSettings & { paths: string[]; samples: number },
  tokenizer: TextTokenizer,
  limits: SourceLimits
): Promise<PreviewResult> {
  checkSettings(input, tokenizer)
  const { files } = await resolveSources(input.paths)
  const decided = await decideFormat(files, input, limits)
  const report = new ReportBuilder()
  const packed = decided.format === 'text' && input.textMode === 'pack'
  const stats = new StatisticsAccumulator(
    input.maxLength,
    packed,
    decided.format !== 'text' || input.textMode === 'truncate'
  )
  const samples: PreviewSample[] = []
  let records = 0
  let complete = true
  const stream = normalizedRecords(files, {
    format: decided.format,
    mapping: decided.mapping,
    dedupe: input.dedupe,
    limits,
    report,
    seen: new FingerprintSet()
  })
  for await (const { record, location } of stream) {
    if (records >= PREVIEW_RECORDS) {
      complete = false
      break
    }
    records++
    const processed = processRecord(record, location, input, tokenizer, report)
    if (!processed) continue
    stats.addRecord(processed.fullTokens, processed.characters, processed.contentTokens)
    stats.addSamples('train', processed)
    if (samples.length < input.samples) samples.push(previewSample(record, location, input, tokenizer))
  }
  return {
    format: decided.format,
    detected: decided.detected,
    samples,
    report: report.report,
    statistics: stats.finish({
      tokenizer: tokenizer.name ?? 'gpt2',
      batchSize: input.batchSize,
      gradientAccumulation: input.gradientAccumulation
    }),
    scope: { records, complete }
  }
}
