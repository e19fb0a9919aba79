// Decides the format and field mapping of a read (the user's choice, else detection) and checks the
// settings that cannot be checked by the schema alone, before any file is read in full.
import type { DatasetFormatName, DetectedFormat, ProcessingSettings } from '../../shared/datasets'
import { ServiceError } from '../../shared/errors'
import { resolveMapping, type ResolvedMapping } from './field-mapping'
import { detectFormat } from './format-detect'
import { sampleValues } from './record-stream'
import type { SourceFile, SourceLimits } from './sources/source-types'
import { checkCustomTemplate, noModelTemplate } from './templates'
import type { TextTokenizer } from './text-tokenizer'

export const DETECTION_SAMPLE = 50

export interface DecidedFormat {
  format: DatasetFormatName
  mapping: ResolvedMapping
  detected: DetectedFormat
}

export async function decideFormat(
  files: SourceFile[],
  settings: Pick<ProcessingSettings, 'format' | 'mapping'>,
  limits: SourceLimits
): Promise<DecidedFormat> {
  const { values } = await sampleValues(files, DETECTION_SAMPLE, limits)
  const { best, alternatives } = detectFormat(values.map((v) => v.value))
  const format = settings.format ?? best.format
  const forFormat = [best, ...alternatives].find((d) => d.format === format) ?? best
  return { format, mapping: resolveMapping(settings.mapping, forFormat.mapping), detected: best }
}

/** Settings that cannot work, refused before any reading; `tokenizer` is the one the records will use. */
export function checkSettings(settings: ProcessingSettings, tokenizer: TextTokenizer): void {
  if (settings.template.name === 'custom') checkCustomTemplate(settings.template.text)
  if (settings.template.name === 'model' && settings.format !== 'text' && !tokenizer.chatTemplate) {
    throw noModelTemplate()
  }
  if (settings.textMode === 'split' && settings.overlap >= settings.maxLength) {
    throw new ServiceError(
      'invalid_input',
      `The overlap (${settings.overlap} tokens) must be smaller than the max length (${settings.maxLength}).`,
      [{ path: 'overlap', message: `must be less than ${settings.maxLength}` }]
    )
  }
}
