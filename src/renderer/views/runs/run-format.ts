// How run numbers read in tables and headers: losses to four places, durations as a clock, the last
// part of a model folder, learning rates in the short scientific form people write them in.
import type { RunConfigValues, RunMetric, RunSummary } from '../../../shared/runs'

export function formatLoss(value: number | null): string {
  return value === null || !Number.isFinite(value) ? '—' : value.toFixed(4)
}

/** Seconds as `m:ss` or `h:mm:ss`. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return '—'
  const whole = Math.round(seconds)
  const h = Math.floor(whole / 3600)
  const m = Math.floor((whole % 3600) / 60)
  const s = String(whole % 60).padStart(2, '0')
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`
}

export function folderName(path: string): string {
  return path.split(/[\\/]/).filter(Boolean).pop() ?? path
}

export function formatNumber(value: number | null, locale: string, digits = 4): string {
  if (value === null || !Number.isFinite(value)) return '—'
  if (value !== 0 && (Math.abs(value) < 1e-3 || Math.abs(value) >= 1e6)) return value.toExponential(2)
  return new Intl.NumberFormat(locale, { maximumSignificantDigits: digits }).format(value)
}

/**
 * How long a run has trained: the engine's elapsed time of its newest metric, else the wall time
 * from start to finish (or to now while it runs).
 */
export function runDuration(
  run: RunSummary,
  log: readonly RunMetric[] | undefined,
  now: number
): number | null {
  const last = log?.at(-1)
  if (last) return last.elapsedS
  if (!run.startedAt) return null
  const end = run.finishedAt ? Date.parse(run.finishedAt) : now
  return (end - Date.parse(run.startedAt)) / 1000
}

export function loraShape(config: RunConfigValues | undefined): string {
  return config ? `${config.lora.r} / ${config.lora.alpha}` : '—'
}
