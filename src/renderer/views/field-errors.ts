// How every form shows a failed call, so each problem appears once: a field issue next to its field
// (in the person's language), the banner only for what no field shows — or the call's own message
// when it had no field issues. Used by the Train form, the import wizard and the export dialog.
import { ApiCallError } from '../../shared/errors'
import { errorText, issueText } from '../i18n/issue-text'

export interface CallFailure {
  /** What no field shows; null when every issue is at its field. */
  message: string | null
  /** Issue text by field path (`paths.0` counts as `paths`); two issues of one field are joined. */
  fields: Record<string, string>
}

/** Splits a failed call between the fields the form shows (`shown`) and its banner. */
export function callFailure(err: unknown, shown: (path: string) => boolean): CallFailure {
  const issues = err instanceof ApiCallError ? err.issues : []
  if (issues.length === 0) return { message: errorText(err), fields: {} }
  const fields: Record<string, string> = {}
  const rest: string[] = []
  for (const issue of issues) {
    const path = issue.path.replace(/\.\d+$/, '')
    const text = issueText(issue)
    if (!shown(path)) rest.push(text)
    else fields[path] = fields[path] ? `${fields[path]}; ${text}` : text
  }
  return { message: rest.length > 0 ? rest.join('; ') : null, fields }
}

/** Drops the error of a field the person changed, and of the fields below it (`config.data` → `config.data.id`). */
export function dropFieldError(fields: Record<string, string>, path: string): void {
  for (const key of Object.keys(fields)) if (key === path || key.startsWith(`${path}.`)) delete fields[key]
}
