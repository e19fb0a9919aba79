// Byte sizes as the Settings page shows them (database size, memory), in both UI languages.
import { describe, expect, it } from 'vitest'
import { formatBytes, formatDateTime } from '../../../src/renderer/format'

describe('formatBytes', () => {
  it('uses binary units with one decimal below 100', () => {
    expect(formatBytes(0, 'en')).toBe('0 B')
    expect(formatBytes(1023, 'en')).toBe('1,023 B')
    expect(formatBytes(1536, 'en')).toBe('1.5 KiB')
    expect(formatBytes(4096 * 1024, 'en')).toBe('4 MiB')
    expect(formatBytes(123.4 * 1024 * 1024, 'en')).toBe('123 MiB')
    expect(formatBytes(16 * 1024 ** 3 + 0.26 * 1024 ** 3, 'zh-CN')).toBe('16.3 GiB')
    expect(formatBytes(3 * 1024 ** 5, 'en')).toBe('3,072 TiB')
  })

  it('refuses what is not a size', () => {
    expect(() => formatBytes(-1, 'en')).toThrow(/expected a size in bytes/)
    expect(() => formatBytes(Number.NaN, 'en')).toThrow(/expected a size in bytes/)
  })
})

describe('formatDateTime', () => {
  // A time without a zone is local time, so the figures do not depend on the machine's time zone.
  it('spells the month in the medium style and writes digits in the short one', () => {
    expect(formatDateTime('2026-12-05T13:04:00', 'en-US')).toMatch(/^Dec 5, 2026, 1:04\sPM$/)
    expect(formatDateTime('2026-12-05T13:04:00', 'en-US', 'short')).toMatch(/^12\/5\/26, 1:04\sPM$/)
    expect(formatDateTime('2026-12-05T13:04:00', 'zh-CN', 'short')).toBe('2026/12/5 13:04')
  })
})
