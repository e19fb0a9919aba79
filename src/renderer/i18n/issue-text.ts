// Field issues in the person's language: a service issue carries the rule it broke (shared/
// issue-words.ts), so the renderer words it with the field's label from fieldLabels.* and the
// sentence from issues.*; an issue without a rule (a check's own message) keeps the service's words.
import { ApiCallError, type FieldIssue } from '../../shared/errors'
import { labelKeyOf, plainName, type IssueRule } from '../../shared/issue-words'
import { i18n } from './instance'

export type Translate = (key: string, values?: Record<string, unknown>) => string

/** The app's translate function, for code outside components (stores). */
export const globalT: Translate = (key, values) => i18n.global.t(key, values ?? {})

/** The field's label for errors, in the current language (`options.temperature` → 温度). */
export function labelText(path: string, t: Translate = globalT): string {
  const key = labelKeyOf(path)
  return key ? t(`fieldLabels.${key}`) : plainName(path)
}

export function ruleText(rule: IssueRule, path: string, t: Translate = globalT): string {
  return t(`issues.${rule.code}`, { ...rule, label: labelText(path, t) })
}

export function issueText(issue: FieldIssue, t: Translate = globalT): string {
  return issue.rule ? ruleText(issue.rule, issue.path, t) : issue.message
}

/** What to show for a failed call: its field issues in words when it has them, else its message. */
export function errorText(err: unknown, t: Translate = globalT): string {
  if (err instanceof ApiCallError && err.issues.some((i) => i.rule)) {
    return err.issues.map((i) => issueText(i, t)).join('; ')
  }
  return err instanceof Error ? err.message : String(err)
}
