// Small formatters for the CLI's human-readable output (sizes, counts, durations, aligned key/value lines).

/** Binary sizes (steps of 1024) named as such, MiB as the UI shows them. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`
}

/** "1 step", "3 steps". */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`
}

/** A time estimate in words: "< 1 s", "42 s", "3 min 5 s", "2 h 4 min". */
export function formatDuration(seconds: number): string {
  if (seconds < 1) return '< 1 s'
  const s = Math.round(seconds)
  if (s < 60) return `${s} s`
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`
  const minutes = Math.round((s % 3600) / 60)
  return `${Math.floor(s / 3600)} h${minutes ? ` ${minutes} min` : ''}`
}

/** "Label:   value" lines with the values aligned. */
export function keyValueLines(rows: [string, string][]): string {
  const width = Math.max(...rows.map(([key]) => key.length)) + 2
  return rows.map(([key, value]) => `${`${key}:`.padEnd(width)}${value}`).join('\n')
}
