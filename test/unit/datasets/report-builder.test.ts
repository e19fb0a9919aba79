// The validation report's problem list: problems found later (by the tokenizing worker) go where
// they would have been found in order, and the list stays capped at 500 with the rest counted.
import { describe, expect, it } from 'vitest'
import type { DatasetProblem } from '../../../src/shared/datasets'
import { makeProblem } from '../../../src/main/datasets/problems'
import { ReportBuilder } from '../../../src/main/datasets/validation-report'

const problem = (line: number): DatasetProblem =>
  makeProblem({ file: 'a.jsonl', line }, 'truncated', `line ${line}`, { severity: 'warning' })

describe('ReportBuilder.insert', () => {
  it('puts a later problem at the place its record was read', () => {
    const report = new ReportBuilder()
    report.add(problem(2))
    report.insert(problem(1), 0)
    report.insert(problem(3), 2)
    expect(report.report.problems.map((p) => p.line)).toEqual([1, 2, 3])
    expect(report.report.counts).toEqual({ truncated: 3 })
  })

  it('keeps 500 listed, pushing the last out or counting one that falls past the end', () => {
    const report = new ReportBuilder()
    for (let line = 2; line <= 501; line++) report.add(problem(line))
    report.insert(problem(1), 0)
    report.insert(problem(999), 500)
    expect(report.report.problems).toHaveLength(500)
    expect(report.report.problems.map((p) => p.line).slice(0, 2)).toEqual([1, 2])
    expect(report.report.problems.at(-1)?.line).toBe(500)
    expect(report.report.problemsOmitted).toBe(2)
  })
})
