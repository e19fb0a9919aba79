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
    this.insert(problem, this.report.problems.length)
  }

  /**
   * Adds a problem found later (by the import's tokenizing worker) at the place in the list it would
   * have had if found in order: `at` is the listed count when its record was read.
   */
  insert(problem: DatasetProblem, at: number): void {
    if (problem.severity === 'error') this.errors++
    const counts = this.report.counts
    counts[problem.code] = (counts[problem.code] ?? 0) + 1
    if (problem.code === 'invalid_utf8') this.report.invalidUtf8Bytes += problem.count ?? 1
    const problems = this.report.problems
    if (at >= MAX_LISTED) {
      this.report.problemsOmitted++
      return
    }
    problems.splice(at, 0, problem)
    if (problems.length > MAX_LISTED) {
      problems.pop()
      this.report.problemsOmitted++
    }
  }

  /** Problems listed so far: where a problem of the record just read belongs (see `insert`). */
  get listed(): number {
    return this.report.problems.length
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
