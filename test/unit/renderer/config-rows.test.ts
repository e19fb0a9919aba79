// The run page's and compare page's config rows for the workers setting: a number as given, "auto"
// (the field's empty text) for null, and the same for runs stored before the setting existed.
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
  configRows(config, t, (id) => `dataset ${id}`).find((row) => row.key === 'workers')?.value

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
