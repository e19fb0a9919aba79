// Wall time, CPU time and resident memory of the bench's own process: on a shared machine the CPU time
// says how much of the wall time the process actually ran, and VmHWM catches peaks inside a step.
import { readFileSync, writeFileSync } from 'node:fs'

export interface Timed<T> {
  value: T
  wallMs: number
  /** User + system CPU time of this process (all its threads) while `fn` ran. */
  cpuMs: number
}

export function timed<T>(fn: () => T): Timed<T> {
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  const value = fn()
  const wallMs = performance.now() - t0
  const cpu = process.cpuUsage(cpu0)
  return { value, wallMs, cpuMs: (cpu.user + cpu.system) / 1000 }
}

export async function timedAsync<T>(fn: () => Promise<T>): Promise<Timed<T>> {
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  const value = await fn()
  const wallMs = performance.now() - t0
  const cpu = process.cpuUsage(cpu0)
  return { value, wallMs, cpuMs: (cpu.user + cpu.system) / 1000 }
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values')
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/** A field of /proc/self/status in bytes (VmHWM, VmRSS), or null off Linux. */
function procStatusBytes(field: string): number | null {
  try {
    const status = readFileSync('/proc/self/status', 'utf8')
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)
    return m ? Number(m[1]) * 1024 : null
  } catch {
    return null
  }
}

/**
 * Peak resident memory. JavaScript is blocked during a step, so samples (taken by `sample()` between
 * steps and by a timer) miss peaks inside one; on Linux the kernel's VmHWM does not.
 */
export class RssMeter {
  private peakSampled = 0
  private timer: NodeJS.Timeout | null = null

  start(intervalMs = 100): void {
    this.sample()
    this.timer = setInterval(() => this.sample(), intervalMs)
    this.timer.unref()
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer)
    this.timer = null
    this.sample()
  }

  sample(): number {
    const rss = process.memoryUsage().rss
    this.peakSampled = Math.max(this.peakSampled, rss)
    return rss
  }

  /**
   * Forgets the peaks so far (after model setup): the sampled maximum, and on Linux the kernel's
   * high-water mark (writing 5 to /proc/self/clear_refs resets VmHWM to the current RSS).
   */
  reset(): void {
    this.peakSampled = 0
    try {
      writeFileSync('/proc/self/clear_refs', '5')
    } catch {
      // Not Linux, or not permitted: VmHWM then includes setup, which the report says.
    }
    this.sample()
  }

  get sampledPeak(): number {
    return this.peakSampled
  }

  /** The kernel's high-water mark of RSS, or null where /proc is missing. */
  get highWaterMark(): number | null {
    return procStatusBytes('VmHWM')
  }
}
