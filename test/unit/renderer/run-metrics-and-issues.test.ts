// The run page's metric log (append, merge an evaluation into its step, rewind on resume) and the
// Train form's field errors (zod issues in words, service issues at their path, a parent shows a child's).
import { describe, expect, it } from 'vitest'
import { RunConfig, resolveRunConfig, type RunMetric } from '../../../src/shared/runs'
import { errorFor, localIssues } from '../../../src/renderer/views/runs/issue-text'
import { callFailure, dropFieldError } from '../../../src/renderer/views/field-errors'
import { ApiCallError, type FieldIssue } from '../../../src/shared/errors'
import {
  addMetric,
  bestEvalLoss,
  lastTrainMetric,
  seriesOf
} from '../../../src/renderer/views/runs/metric-log'

/** A refused call with these field issues. */
const refused = (issues: FieldIssue[]) =>
  new ApiCallError({ code: 'invalid_input', message: issues.map((i) => i.message).join('; '), issues })

function metric(step: number, fields: Partial<RunMetric> = {}): RunMetric {
  return {
    step,
    epoch: step / 10,
    trainLoss: 10 - step / 10,
    learningRate: 1e-3,
    gradNorm: 0.5,
    tokensPerS: 100,
    evalLoss: null,
    perplexity: null,
    elapsedS: step,
    etaS: 20 - step,
    tfBytes: null,
    rssBytes: null,
    ...fields
  }
}

describe('metric log', () => {
  it('appends steps and merges an evaluation logged at the same step', () => {
    let log = addMetric([], metric(1))
    log = addMetric(log, metric(2))
    log = addMetric(log, metric(2, { trainLoss: null, evalLoss: 9.5, perplexity: 13359.7 }))
    expect(log.map((m) => m.step)).toEqual([1, 2])
    expect(log[1].trainLoss).toBe(9.8)
    expect(log[1].evalLoss).toBe(9.5)
    expect(seriesOf(log, 'evalLoss')).toEqual([[2, 9.5]])
    expect(seriesOf(log, 'trainLoss')).toEqual([
      [1, 9.9],
      [2, 9.8]
    ])
  })

  it('rewinds to an earlier step (a resume from a checkpoint) and drops the later steps', () => {
    const log = [1, 2, 3, 4, 5].reduce<RunMetric[]>((acc, s) => addMetric(acc, metric(s)), [])
    const resumed = addMetric(log, metric(3, { trainLoss: 7 }))
    expect(resumed.map((m) => m.step)).toEqual([1, 2, 3])
    expect(resumed[2].trainLoss).toBe(7)
  })

  it('finds the best evaluation and the newest training step', () => {
    const log = [
      metric(1),
      metric(2, { evalLoss: 9.1 }),
      metric(3, { evalLoss: 8.7 }),
      metric(4, { trainLoss: null, evalLoss: 8.9 })
    ]
    expect(bestEvalLoss(log)).toBe(8.7)
    expect(bestEvalLoss([metric(1)])).toBeNull()
    expect(lastTrainMetric(log)?.step).toBe(3)
  })
})

describe('field errors', () => {
  const t = (key: string, values?: Record<string, unknown>) => `${key}${values ? JSON.stringify(values) : ''}`
  const valid = resolveRunConfig('quick-test', { baseModel: '/m', data: { kind: 'dataset', id: 1 } })

  it('words the schema issues of the form by config path', () => {
    const result = RunConfig.safeParse({
      ...valid,
      baseModel: '',
      learningRate: Number.NaN,
      maxLength: 1.5,
      adamBeta1: 1,
      lora: { ...valid.lora, r: 0, targetModules: [] }
    })
    expect(result.success).toBe(false)
    const errors = localIssues(result.error!, t)
    expect(errors).toEqual({
      'config.baseModel': 'train.errors.chooseModel',
      'config.learningRate': 'train.errors.number',
      'config.maxLength': 'train.errors.integer',
      'config.adamBeta1': 'train.errors.below{"max":1}',
      'config.lora.r': 'train.errors.atLeast{"min":1}',
      'config.lora.targetModules': 'train.errors.pickOne'
    })
  })

  it("keeps the service's issues at their paths and shows a child's error on its parent field", () => {
    const failure = callFailure(
      refused([
        { path: 'config.data.id', message: 'Dataset 9 does not exist' },
        { path: 'config.data.id', message: 'second' }
      ]),
      (path) => path.startsWith('config.')
    )
    // Shown once: at the field, not again in the banner.
    expect(failure.message).toBeNull()
    const errors = failure.fields
    expect(errors).toEqual({ 'config.data.id': 'Dataset 9 does not exist; second' })
    expect(errorFor(errors, 'config.data')).toBe('Dataset 9 does not exist; second')
    expect(errorFor(errors, 'config.dataset')).toBeNull()
  })

  it('puts an issue no field shows in the banner, and drops a changed field’s errors', () => {
    const failure = callFailure(
      refused([
        { path: 'name', message: 'Name is required', rule: { code: 'required' } },
        { path: 'paths.0', message: 'a.csv was not found' }
      ]),
      (path) => path === 'name'
    )
    expect(failure).toEqual({ message: 'a.csv was not found', fields: { name: 'Name is required' } })
    const fields = { 'config.data': 'a', 'config.data.id': 'b', 'config.dataset': 'c' }
    dropFieldError(fields, 'config.data')
    expect(fields).toEqual({ 'config.dataset': 'c' })
    expect(callFailure(new Error('The folder is read-only'), () => true)).toEqual({
      message: 'The folder is read-only',
      fields: {}
    })
  })
})
