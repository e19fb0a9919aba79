// What the import wizard has chosen so far, and how it becomes the service's preview and import
// inputs; kept apart from the view so the wizard's steps share one draft and one translation.
import type {
  DatasetFormatName,
  FieldMappingInput,
  InspectResult,
  TemplateKind
} from '../../../shared/datasets'
import type { InputOf } from '../../../shared/contract'

export type PreviewRequest = InputOf<'datasets', 'preview'>
export type ImportRequestInput = InputOf<'datasets', 'import'>
export type MappingTarget = keyof FieldMappingInput
export type SplitKind = 'none' | 'ratio' | 'file'

export interface ImportDraft {
  pathsText: string
  format: DatasetFormatName
  mapping: FieldMappingInput
  template: TemplateKind
  customTemplate: string
  system: string
  trainOnPrompt: boolean
  maxLength: number
  textMode: 'pack' | 'truncate' | 'split'
  overlap: number
  overlong: 'truncate' | 'drop'
  dedupe: boolean
  /** Whose tokenizer counts tokens; null: GPT-2's. */
  modelId: number | null
  batchSize: number
  gradientAccumulation: number
  name: string
  split: SplitKind
  /** Percent of the records held out for validation. */
  validationPercent: number
  seed: number
  validationPathsText: string
  strict: boolean
}

/** The request field each draft field sets: its error goes once the person changes the draft field. */
export const draftErrorPaths: Partial<Record<keyof ImportDraft, string>> = {
  pathsText: 'paths',
  maxLength: 'maxLength',
  overlap: 'overlap',
  customTemplate: 'template.text',
  batchSize: 'batchSize',
  gradientAccumulation: 'gradientAccumulation',
  name: 'name',
  validationPercent: 'split.validationRatio',
  seed: 'split.seed',
  validationPathsText: 'split.paths'
}

export const defaultCustomTemplate = '### Instruction:\n{instruction}\n{input}\n\n### Response:\n{output}'

export function emptyDraft(): ImportDraft {
  return {
    pathsText: '',
    format: 'instruction',
    mapping: {},
    template: 'human-assistant',
    customTemplate: defaultCustomTemplate,
    system: '',
    trainOnPrompt: false,
    maxLength: 1024,
    textMode: 'pack',
    overlap: 0,
    overlong: 'truncate',
    dedupe: true,
    modelId: null,
    batchSize: 8,
    gradientAccumulation: 1,
    name: '',
    split: 'ratio',
    validationPercent: 5,
    seed: 42,
    validationPathsText: '',
    strict: false
  }
}

/** One path per line; blank lines and surrounding spaces or quotes (from a file manager's copy) dropped. */
export function parsePaths(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) =>
      line
        .trim()
        .replace(/^(['"])(.*)\1$/, '$2')
        .trim()
    )
    .filter((line) => line !== '')
}

/** The record fields each format reads, in the order the wizard shows them; `optional` may stay unmapped. */
export const mappingTargets: Record<DatasetFormatName, { target: MappingTarget; optional: boolean }[]> = {
  text: [{ target: 'text', optional: false }],
  instruction: [
    { target: 'instruction', optional: false },
    { target: 'input', optional: true },
    { target: 'output', optional: false }
  ],
  chat: [{ target: 'messages', optional: false }]
}

/** The detected (or alternative) mapping for a format, from the inspection. */
export function detectedMapping(inspect: InspectResult, format: DatasetFormatName): FieldMappingInput {
  const found = [inspect.detected, ...inspect.alternatives].find((d) => d.format === format)
  return { ...(found?.mapping ?? {}) }
}

/** A file name without folders and extension, as a default dataset name. */
export function nameFromPath(path: string): string {
  const base =
    path
      .replace(/[\\/]+$/, '')
      .split(/[\\/]/)
      .pop() ?? ''
  return base.replace(/\.(jsonl|json|csv|tsv|txt|md|parquet)$/i, '')
}

/**
 * The dataset name after inspecting other files: follows the files while it is still the name we
 * suggested (or empty), so an earlier file's name is not left over; a name the person typed stays.
 */
export function nameForPaths(current: string, suggested: string | null, paths: string[]): string {
  return current.trim() === '' || current === suggested ? nameFromPath(paths[0] ?? '') : current
}

function mappingFor(draft: ImportDraft): FieldMappingInput {
  const out: FieldMappingInput = {}
  for (const { target } of mappingTargets[draft.format]) {
    const field = draft.mapping[target]
    if (field) out[target] = field
  }
  return out
}

function processing(draft: ImportDraft): Omit<PreviewRequest, 'paths' | 'samples'> {
  const template =
    draft.template === 'custom'
      ? { name: draft.template, text: draft.customTemplate }
      : { name: draft.template }
  return {
    format: draft.format,
    mapping: mappingFor(draft),
    template: draft.system.trim() ? { ...template, system: draft.system } : template,
    trainOnPrompt: draft.trainOnPrompt,
    maxLength: draft.maxLength,
    textMode: draft.textMode,
    overlap: draft.overlap,
    overlong: draft.overlong,
    dedupe: draft.dedupe,
    ...(draft.modelId !== null ? { modelId: draft.modelId } : {}),
    batchSize: draft.batchSize,
    gradientAccumulation: draft.gradientAccumulation
  }
}

export function previewRequest(draft: ImportDraft, samples = 5): PreviewRequest {
  return { ...processing(draft), paths: parsePaths(draft.pathsText), samples }
}

export function importRequest(draft: ImportDraft): ImportRequestInput {
  const split: ImportRequestInput['split'] =
    draft.split === 'none'
      ? { kind: 'none' }
      : draft.split === 'ratio'
        ? { kind: 'ratio', validationRatio: draft.validationPercent / 100, seed: draft.seed }
        : { kind: 'file', paths: parsePaths(draft.validationPathsText) }
  return {
    ...processing(draft),
    name: draft.name,
    paths: parsePaths(draft.pathsText),
    split,
    strict: draft.strict
  }
}
