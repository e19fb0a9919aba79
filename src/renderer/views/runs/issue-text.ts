// Field errors in the person's language from checking the form here, keyed by the dotted path
// `config.lora.r` like the service's issues (views/field-errors.ts places those).
import type { z } from 'zod'
import type { Translate } from '../../i18n/issue-text'

function describe(issue: z.core.$ZodIssue, t: Translate): string {
  const [first, second] = issue.path
  if (first === 'baseModel') return t('train.errors.chooseModel')
  if (first === 'data' || (first === 'validation' && second === 'id')) return t('train.errors.chooseDataset')
  switch (issue.code) {
    case 'invalid_type':
      return issue.expected === 'int' ? t('train.errors.integer') : t('train.errors.number')
    case 'too_small':
      if (issue.origin === 'array') return t('train.errors.pickOne')
      if (issue.origin === 'string') return t('train.errors.required')
      return issue.inclusive
        ? t('train.errors.atLeast', { min: Number(issue.minimum) })
        : t('train.errors.above', { min: Number(issue.minimum) })
    case 'too_big':
      return issue.inclusive
        ? t('train.errors.atMost', { max: Number(issue.maximum) })
        : t('train.errors.below', { max: Number(issue.maximum) })
    default:
      return issue.message
  }
}

/** Issues of the form's own check, by `config.<path>`; the first issue of a field wins. */
export function localIssues(error: z.ZodError, t: Translate): Record<string, string> {
  const out: Record<string, string> = {}
  for (const issue of error.issues) {
    const path = ['config', ...issue.path.map(String)].join('.')
    out[path] ??= describe(issue, t)
  }
  return out
}

/** The error for a field: its own path or anything below it (`config.data` also shows `config.data.id`). */
export function errorFor(errors: Record<string, string>, path: string): string | null {
  if (errors[path]) return errors[path]
  const below = Object.keys(errors).find((key) => key.startsWith(`${path}.`))
  return below ? errors[below] : null
}
