// Turns a failed service call into what the wizard shows: the message, and the field-level issues
// keyed by path so each appears under its own input (`paths.0` counts as `paths`).
import { ApiCallError } from '../../../shared/errors'
import { errorText, issueText } from '../../i18n/issue-text'

export interface CallFailure {
  message: string
  fields: Record<string, string>
}

export function callFailure(err: unknown): CallFailure {
  const message = errorText(err)
  const fields: Record<string, string> = {}
  if (err instanceof ApiCallError) {
    for (const issue of err.issues) {
      const path = issue.path.replace(/\.\d+$/, '')
      const text = issueText(issue)
      fields[path] = fields[path] ? `${fields[path]}; ${text}` : text
    }
  }
  return { message, fields }
}
