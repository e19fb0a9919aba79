// The flags of `import-dataset` (and `datasets import`) and their translation into the datasets API's
// import request, with every mistake reported by the flag that caused it.
import { basename, extname } from 'node:path'
import { ImportInput, type ImportRequest } from '../../../shared/datasets'
import { ServiceError, type FieldIssue } from '../../../shared/errors'
import { issueWithLabel, wordsParse, zodIssues } from '../../../shared/issue-words'
import { flagOptions, type VerbOptions, type VerbRun } from '../cli-verb'

export const importOptions = {
  ...flagOptions(
    [
      'name',
      'format',
      'template',
      'template-text',
      'max-length',
      'split',
      'seed',
      'text-mode',
      'overlap',
      'overlong',
      'model',
      'batch-size',
      'gradient-accumulation'
    ],
    ['train-on-prompt', 'keep-duplicates', 'strict']
  ),
  validation: { type: 'string', multiple: true },
  map: { type: 'string', multiple: true }
} satisfies VerbOptions

export const importUsage = [
  'PATH... [--name N] [--format text|instruction|chat] [--map field=column,...]',
  '    [--template human-assistant|alpaca|chatml|raw|custom|model] [--template-text "…{instruction}…{output}"]',
  '    [--max-length N] [--text-mode pack|truncate|split] [--overlap N] [--overlong truncate|drop]',
  '    [--split RATIO] [--seed N] [--validation PATH]... [--train-on-prompt] [--keep-duplicates] [--strict]',
  '    [--model NAME|DIR] [--batch-size N] [--gradient-accumulation N] [--json]',
  '  PATH: .jsonl .json .csv .tsv .txt .md .parquet files or folders of them. --split 0 keeps no validation',
  '  records; the default is 0.05 with seed 42.'
].join('\n')

/** Where a field of the import request comes from on the command line. */
const flagOfField: Record<string, string> = {
  name: '--name',
  paths: 'PATH',
  format: '--format',
  'template.name': '--template',
  'template.text': '--template-text',
  maxLength: '--max-length',
  'split.validationRatio': '--split',
  'split.seed': '--seed',
  'split.paths': '--validation',
  textMode: '--text-mode',
  overlap: '--overlap',
  overlong: '--overlong',
  batchSize: '--batch-size',
  gradientAccumulation: '--gradient-accumulation'
}

type Values = VerbRun['values']

function flagError(message: string, path: string): ServiceError {
  return new ServiceError('invalid_input', message, [{ path, message }])
}

function text(values: Values, flag: string): string | undefined {
  const v = values[flag]
  return typeof v === 'string' ? v : undefined
}

function texts(values: Values, flag: string): string[] {
  const v = values[flag]
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []
}

function number(values: Values, flag: string): number | undefined {
  const v = text(values, flag)
  if (v === undefined) return undefined
  const n = Number(v)
  if (v.trim() === '' || !Number.isFinite(n)) throw flagError(`--${flag} takes a number, not "${v}"`, flag)
  return n
}

/** `--map output=answer,instruction=question` (or the flag repeated). */
function mapping(values: Values): Record<string, string> {
  const out: Record<string, string> = {}
  for (const pair of texts(values, 'map').flatMap((m) => m.split(','))) {
    const eq = pair.indexOf('=')
    if (eq <= 0 || eq === pair.length - 1) {
      throw flagError(`--map takes field=column pairs such as output=answer, not "${pair}"`, 'map')
    }
    out[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim()
  }
  return out
}

function split(values: Values): unknown {
  const validation = texts(values, 'validation')
  const ratio = number(values, 'split')
  const seed = number(values, 'seed')
  if (validation.length) {
    if (ratio !== undefined || seed !== undefined) {
      throw flagError('give either --validation files or --split/--seed, not both', 'validation')
    }
    return { kind: 'file', paths: validation }
  }
  if (ratio === 0) return { kind: 'none' }
  if (ratio === undefined && seed === undefined) return undefined
  return { kind: 'ratio', validationRatio: ratio ?? 0.05, seed: seed ?? 42 }
}

function fieldMessage(issue: FieldIssue): string {
  if (issue.path.startsWith('mapping.')) {
    return `--map: "${issue.path.slice('mapping.'.length)}" is not a field; map text, instruction, input, output or messages`
  }
  return issueWithLabel(issue, flagOfField[issue.path] ?? issue.path)
}

/**
 * The import request for these paths and flags; throws a ServiceError naming the flag that is wrong.
 * `--model` needs the store: the verb resolves it (registeredModelId).
 */
export function importRequest(paths: string[], values: Values): ImportRequest {
  if (paths.length === 0) throw flagError('give the files or folders to import (PATH...)', 'paths')
  const templateText = text(values, 'template-text')
  const templateName = text(values, 'template') ?? (templateText !== undefined ? 'custom' : undefined)
  const candidate = {
    name: text(values, 'name') ?? basename(paths[0], extname(paths[0])),
    paths,
    format: text(values, 'format'),
    mapping: mapping(values),
    template: templateName === undefined ? undefined : { name: templateName, text: templateText },
    trainOnPrompt: values['train-on-prompt'] === true,
    maxLength: number(values, 'max-length'),
    textMode: text(values, 'text-mode'),
    overlap: number(values, 'overlap'),
    overlong: text(values, 'overlong'),
    dedupe: values['keep-duplicates'] !== true,
    batchSize: number(values, 'batch-size'),
    gradientAccumulation: number(values, 'gradient-accumulation'),
    split: split(values),
    strict: values.strict === true
  }
  const parsed = ImportInput.safeParse(candidate, wordsParse)
  if (!parsed.success) {
    const issues = zodIssues(parsed.error)
    throw new ServiceError('invalid_input', issues.map(fieldMessage).join('; '), issues)
  }
  return parsed.data
}
