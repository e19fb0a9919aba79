// How the CLI shows a dataset to a person: what was imported, the validation report with each
// problem's file and line, and the token statistics (with the tokenizer's fragmentation warning).
import type {
  DatasetDetail,
  DatasetStatistics,
  DatasetSummary,
  ValidationReport
} from '../../../shared/datasets'
import { summarizeReport } from '../../datasets/validation-report'
import { keyValueLines } from '../human-format'

/** Problems listed word for word; the rest are counted (--json lists up to 500). */
const PROBLEMS_SHOWN = 20

const count = (n: number): string => n.toLocaleString('en-US')
const percent = (share: number): string => `${(share * 100).toFixed(1)}%`

export function summaryLine(d: DatasetSummary): string {
  return (
    `${String(d.id).padStart(4)}  ${d.format.padEnd(11)}  ${count(d.recordCount).padStart(9)} records ` +
    `(${count(d.trainCount)} train, ${count(d.validationCount)} validation)  ${count(d.totalTokens).padStart(11)} tokens  ${d.name}`
  )
}

function reportText(r: ValidationReport): string[] {
  const skipped = [
    `${count(r.recordsSkipped)} skipped`,
    `${count(r.duplicates)} duplicate(s)${r.duplicatesRemoved ? ` (${count(r.duplicatesRemoved)} removed)` : ''}`,
    `${count(r.truncated)} truncated`,
    `${count(r.dropped)} dropped`
  ]
  if (r.invalidUtf8Bytes) skipped.push(`${count(r.invalidUtf8Bytes)} byte(s) of bad UTF-8 replaced`)
  const lines = [
    `Read ${count(r.filesRead)} file(s), ${count(r.recordsRead)} record(s): ${count(r.recordsValid)} valid, ${skipped.join(', ')}`
  ]
  const problems = r.problems.length + r.problemsOmitted
  if (problems) lines.push(`Problems (${count(problems)}):`, summarizeReport(r, PROBLEMS_SHOWN))
  return lines
}

function histogramText(s: DatasetStatistics): string {
  return s.histogram
    .filter((b) => b.count > 0)
    .map((b) => `${b.to === null ? `>${b.from - 1}` : `${b.from}–${b.to - 1}`}: ${count(b.count)}`)
    .join(', ')
}

function statisticsText(s: DatasetStatistics, maxLength: number): string[] {
  const lines = [
    `Statistics (tokenizer ${s.tokenizer}):`,
    keyValueLines([
      [
        '  samples',
        `${count(s.samples)} (${count(s.trainSamples)} train, ${count(s.validationSamples)} validation)`
      ],
      ['  tokens', `${count(s.totalTokens)} in samples, ${count(s.trainedTokens)} trained (unmasked)`],
      [
        '  length',
        `mean ${s.meanLength.toFixed(1)}, longest sample ${count(s.maxSampleLength)} of max ${count(maxLength)}`
      ],
      ['  truncated', `${percent(s.truncatedShare)} of records cut at the max length`],
      ['  tokens per char', s.tokensPerCharacter.toFixed(2)],
      [
        '  steps per epoch',
        `${count(s.stepsPerEpoch)} at batch ${s.batchSize} × accumulation ${s.gradientAccumulation}`
      ],
      ['  sample lengths', histogramText(s) || '-']
    ])
  ]
  if (s.fragmentationWarning) lines.push(`Warning: ${s.fragmentationWarning}`)
  return lines
}

export function datasetText(d: DatasetDetail): string {
  // Raw text is trained as written: it has no prompt template to name.
  const template = d.format === 'text' ? '' : `, template ${d.settings.template.name}`
  return [
    `Dataset ${d.id} "${d.name}": ${d.format}${template}, max length ${d.settings.maxLength}; ` +
      `${count(d.recordCount)} records (${count(d.trainCount)} train, ${count(d.validationCount)} validation)`,
    `Sources: ${d.sources.join(', ')}`,
    ...reportText(d.report),
    ...statisticsText(d.statistics, d.settings.maxLength)
  ].join('\n')
}
