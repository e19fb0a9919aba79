// The run page's and compare page's config rows: the workers setting (a number as given, "auto" — the
// field's empty text — for null, and the same for runs stored before the setting existed), and the
// template, which raw text has none of.
import { describe, expect, it } from 'vitest'
import en from '../../../src/renderer/i18n/en'
import { configRows } from '../../../src/renderer/views/runs/config-rows'
import { resolveRunConfig, storedRunConfig } from '../../../src/shared/runs'

const t = (key: string): string => {
  const value = key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], en)
  if (typeof value !== 'string') throw new Error(`no message ${key}`)
  return value
}
const base = { baseModel: '/models/gpt2', data: { kind: 'file' as const, path: '/tmp/train.jsonl' } }
const workersRow = (config: ReturnType<typeof resolveRunConfig>) =>
  configRows({ config, template: config.template }, t, (id) => `dataset ${id}`).find(
    (row) => row.key === 'workers'
  )?.value

describe('config rows: workers', () => {
  it('shows the count, or auto when left empty', () => {
    expect(workersRow(resolveRunConfig(null, { ...base, workers: 4 }))).toBe('4')
    expect(workersRow(resolveRunConfig(null, base))).toBe('Auto (one per CPU core)')
  })

  it('shows auto for a run stored before the setting existed', () => {
    const { workers: _workers, ...older } = resolveRunConfig('quick-test', base)
    const config = storedRunConfig(JSON.parse(JSON.stringify(older)))
    expect(config.workers).toBeNull()
    expect(config.maxSteps).toBe(20)
    expect(workersRow(config)).toBe('Auto (one per CPU core)')
  })
})

describe('config rows: template', () => {
  const config = resolveRunConfig('gpt2-blog-recipe', { ...base, data: { kind: 'dataset', id: 3 } })
  const templateRow = (template: string | null) =>
    configRows({ config, template }, t, (id) => `dataset ${id}`).find((row) => row.key === 'template')?.value

  it('names no template for a raw-text run, whatever the form held', () => {
    expect(config.template).toBe('human-assistant')
    expect(templateRow(null)).toBe('None: raw text is trained as written')
  })

  it("names the template the samples were formatted with (the dataset's)", () => {
    expect(templateRow('alpaca')).toBe('alpaca')
  })
})
