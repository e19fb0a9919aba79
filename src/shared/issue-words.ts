// Field errors in words instead of zod's "options.temperature: Too small: expected number to be >=0":
// each zod issue becomes a rule (machine-readable: what was wrong, with its bound) and a sentence that
// names the field by its label ("Temperature must be 0 or more"). The English labels and sentences live
// here, once: main and the CLI speak English, and the renderer's en.ts takes these same objects (its
// zh-CN.ts has the same keys in Chinese).
import type { z } from 'zod'
import type { FieldIssue } from './errors'

/** What was wrong with a field; `code` is also the key of its sentence (issueWordsEn, i18n `issues.*`). */
export interface IssueRule {
  code: IssueCode
  min?: number
  max?: number
  /** The allowed values, for `choice`. */
  values?: string
}

/** The sentences, with `{label}`, `{min}`, `{max}`, `{values}` filled in (vue-i18n's syntax too). */
export const issueWordsEn = {
  required: '{label} is required',
  atLeast: '{label} must be {min} or more',
  above: '{label} must be more than {min}',
  atMost: '{label} must be {max} or less',
  below: '{label} must be less than {max}',
  tooShort: '{label} needs at least {min} characters',
  tooLong: '{label} must be at most {max} characters',
  fewItems: '{label} needs at least {min}',
  manyItems: '{label} takes at most {max}',
  integer: '{label} must be a whole number',
  number: '{label} must be a number',
  text: '{label} must be text',
  yesNo: '{label} must be yes or no',
  list: '{label} must be a list',
  group: '{label} must be a group of settings',
  choice: '{label} must be one of: {values}',
  unknownField: '“{label}” is not a setting here; remove it',
  invalid: '{label} is not valid'
}
export type IssueCode = keyof typeof issueWordsEn

/**
 * Field labels by field name (the last part of the path: `options.temperature` → temperature) or by
 * `parent.name` where a name means different things in different places.
 */
export const fieldLabelsEn = {
  name: 'Name',
  title: 'Title',
  temperature: 'Temperature',
  topK: 'Top-k',
  topP: 'Top-p',
  maxNewTokens: 'Max new tokens',
  repetitionPenalty: 'Repetition penalty',
  stopSequences: 'Stop sequences',
  seed: 'Seed',
  modelId: 'Model',
  baseModel: 'Base model',
  model: 'Model',
  adapter: 'Adapter',
  targets: 'Models to compare',
  data: 'Dataset',
  validation: 'Validation data',
  r: 'Rank r',
  alpha: 'Alpha',
  dropout: 'LoRA dropout',
  targetModules: 'Target modules',
  learningRate: 'Learning rate',
  epochs: 'Epochs',
  maxSteps: 'Max steps',
  batchSize: 'Batch size',
  gradientAccumulation: 'Gradient accumulation',
  maxLength: 'Max length',
  warmupSteps: 'Warmup steps',
  warmupRatio: 'Warmup ratio',
  weightDecay: 'Weight decay',
  maxGradNorm: 'Max gradient norm',
  saveEvery: 'Save every',
  evalEvery: 'Evaluate every',
  paths: 'Files',
  format: 'Format',
  template: 'Template',
  split: 'Validation split',
  validationRatio: 'Validation share',
  overlap: 'Overlap',
  overlong: 'Overlong records',
  textMode: 'Text mode',
  repoId: 'Hugging Face repository',
  size: 'Size',
  path: 'Folder',
  language: 'Language',
  theme: 'Theme',
  stride: 'Stride',
  content: 'Message',
  prompt: 'Prompt'
}
export type FieldLabelKey = keyof typeof fieldLabelsEn

function isLabelKey(key: string): key is FieldLabelKey {
  return Object.hasOwn(fieldLabelsEn, key)
}

/** The label's key for a dotted path (`config.lora.r` → `r`), skipping list indices; null if none. */
export function labelKeyOf(path: string): FieldLabelKey | null {
  const parts = path.split('.').filter((p) => p !== '' && !/^\d+$/.test(p))
  for (let i = parts.length - 1; i >= 0; i--) {
    const own = i > 0 ? `${parts[i - 1]}.${parts[i]}` : parts[i]
    if (isLabelKey(own)) return own
    if (isLabelKey(parts[i])) return parts[i] as FieldLabelKey
  }
  return null
}

/** A field without a label reads as its name in words: `checkpointStep` → "Checkpoint step". */
export function plainName(path: string): string {
  const last =
    path
      .split('.')
      .filter((p) => p !== '' && !/^\d+$/.test(p))
      .at(-1) ?? ''
  const words = last.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase()
  return words ? words[0].toUpperCase() + words.slice(1) : 'This value'
}

export function englishLabel(path: string): string {
  const key = labelKeyOf(path)
  return key ? fieldLabelsEn[key] : plainName(path)
}

/** Fills `{name}` placeholders. */
export function fillWords(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    values[name] === undefined ? whole : String(values[name])
  )
}

export function wordsFor(rule: IssueRule, label: string): string {
  return fillWords(issueWordsEn[rule.code], { ...rule, label })
}

const typeRules: Record<string, IssueCode> = {
  int: 'integer',
  number: 'number',
  string: 'text',
  boolean: 'yesNo',
  array: 'list',
  object: 'group'
}

type RawIssue = z.core.$ZodRawIssue | z.core.$ZodIssue

/** The rule a zod issue breaks, or null where zod's code says too little (a refinement's own message). */
export function ruleOf(issue: RawIssue): IssueRule | null {
  switch (issue.code) {
    case 'invalid_type': {
      const code = typeRules[issue.expected]
      // The input is there in an error map's issue, or when parsed with reportInput.
      if ('input' in issue && issue.input === undefined) return { code: 'required' }
      return code ? { code } : { code: 'invalid' }
    }
    case 'too_small': {
      const min = Number(issue.minimum)
      if (issue.origin === 'string') return min <= 1 ? { code: 'required' } : { code: 'tooShort', min }
      if (issue.origin === 'array' || issue.origin === 'set') return { code: 'fewItems', min }
      return { code: issue.inclusive === false ? 'above' : 'atLeast', min }
    }
    case 'too_big': {
      const max = Number(issue.maximum)
      if (issue.origin === 'string') return { code: 'tooLong', max }
      if (issue.origin === 'array' || issue.origin === 'set') return { code: 'manyItems', max }
      return { code: issue.inclusive === false ? 'below' : 'atMost', max }
    }
    case 'invalid_value':
      return { code: 'choice', values: issue.values.map(String).join(', ') }
    case 'not_multiple_of':
    case 'invalid_format':
      return { code: 'invalid' }
    default:
      return null
  }
}

/**
 * zod's per-parse error map: a sentence in words for every issue the schema has no message of its
 * own for (a schema's own message, such as "give the dataset a name", wins over this map).
 */
export function wordsErrorMap(issue: z.core.$ZodRawIssue): string | undefined {
  const rule = ruleOf(issue)
  return rule ? wordsFor(rule, englishLabel((issue.path ?? []).map(String).join('.'))) : undefined
}

/** A schema's own message made into a sentence: "give the dataset a name" → "Give the dataset a name". */
export function sentence(message: string): string {
  return message ? message[0].toUpperCase() + message.slice(1) : message
}

/** Parse options that make every issue a sentence in words and keep what is needed to tell "missing". */
export const wordsParse = { error: wordsErrorMap, reportInput: true } as const

/** A zod error as field issues: the path, the sentence (labels in words) and the rule broken. */
export function zodIssues(error: z.ZodError, prefix: string[] = []): FieldIssue[] {
  return flattenIssues(error.issues, prefix)
}

function flattenIssues(issues: readonly z.core.$ZodIssue[], prefix: string[]): FieldIssue[] {
  return issues.flatMap((issue): FieldIssue[] => {
    const path = [...prefix, ...issue.path.map(String)]
    // An unknown field is reported at its own path, so the caller sees which field to drop.
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => {
        const rule = { code: 'unknownField' } as const
        return { path: [...path, key].join('.'), message: wordsFor(rule, key), rule }
      })
    }
    // For a union, the closest alternative (fewest problems) says best what to fix.
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const closest = issue.errors.reduce((best, branch) => (branch.length < best.length ? branch : best))
      if (closest.length > 0) return flattenIssues(closest, path)
    }
    const rule = ruleOf(issue)
    return [{ path: path.join('.'), message: sentence(issue.message), ...(rule ? { rule } : {}) }]
  })
}

/** The issues as one message: each sentence, no method name and no dotted paths. */
export function issuesMessage(issues: readonly FieldIssue[]): string {
  return issues.map((i) => i.message).join('; ')
}

/** An issue in words under another label (the CLI names the flag): "--temperature must be 0 or more". */
export function issueWithLabel(issue: FieldIssue, label: string): string {
  return issue.rule ? wordsFor(issue.rule, label) : `${label}: ${issue.message}`
}
