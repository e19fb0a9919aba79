// Number and date formatting for the UI: byte sizes in binary units with the person's locale digits, and
// stored ISO times as a date and time in the person's locale.
const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const

export function formatBytes(bytes: number, locale: string): string {
  if (!Number.isFinite(bytes) || bytes < 0)
    throw new Error(`formatBytes: expected a size in bytes, got ${bytes}`)
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024
    unit += 1
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1
  const number = new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(value)
  return `${number} ${UNITS[unit]}`
}

/** A stored ISO time as date and time in `locale`: 'medium' spells the month, 'short' is all digits. */
export function formatDateTime(
  iso: string,
  locale: string,
  dateStyle: 'medium' | 'short' = 'medium'
): string {
  return new Intl.DateTimeFormat(locale, { dateStyle, timeStyle: 'short' }).format(new Date(iso))
}

/** `value` with exactly `digits` decimals in the person's locale (2.09 tokens a character, 2.4×). */
export function formatFixed(value: number, locale: string, digits: number): string {
  return new Intl.NumberFormat(locale, {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits
  }).format(value)
}
