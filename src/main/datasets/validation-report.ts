// Collects what went wrong during a read: every problem counted by kind, the first few hundred kept
// word for word (a 500 MB file with a bad line in every record must not fill memory with messages).
import type { DatasetProblem, ValidationReport } from '../../shared/datasets'

const MAX_LISTED = 500

export class ReportBuilder {
  readonly report: ValidationReport = {
    filesRead: 0,
    recordsRead: 0,
    recordsValid: 0,
    recordsSkipped: 0,
    duplicates: 0,
    duplicatesRemoved: 0,
    truncated: 0,
    dropped: 0,
    invalidUtf8Bytes: 0,
    counts: {},
    problems: [],
    problemsOmitted: 0
  }

  private errors = 0

  add(problem: DatasetProblem): void {
    if (problem.severity === 'error') this.errors++
    const counts = this.report.counts
    counts[problem.code] = (counts[problem.code] ?? 0) + 1
    if (problem.code === 'invalid_utf8') this.report.invalidUtf8Bytes += problem.count ?? 1
    if (this.report.problems.length < MAX_LISTED) this.report.problems.push(problem)
    else this.report.problemsOmitted++
  }

  /** Errors, as opposed to warnings (bad UTF-8, truncation, duplicates). */
  hasErrors(): boolean {
    return this.errors > 0
  }
}

/** A short paragraph for errors and the CLI: counts first, then the first problems. */
export function summarizeReport(report: ValidationReport, max = 10): string {
  const lines = report.problems.slice(0, max).map((p) => `  ${p.message}`)
  const more = report.problems.length + report.problemsOmitted - lines.length
  if (more > 0) lines.push(`  … and ${more} more`)
  return lines.join('\n')
}
