// Small formatters for the CLI's human-readable output (sizes, aligned key/value lines).
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB']
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`
}

/** "Label:   value" lines with the values aligned. */
export function keyValueLines(rows: [string, string][]): string {
  const width = Math.max(...rows.map(([key]) => key.length)) + 2
  return rows.map(([key, value]) => `${`${key}:`.padEnd(width)}${value}`).join('\n')
}
