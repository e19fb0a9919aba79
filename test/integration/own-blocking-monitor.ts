// Measures main's longest synchronous task for the event-loop tests (*.alone.test.ts).
import { readFileSync } from 'node:fs'

/**
 * CPU time of main's own thread in ms: on Linux from /proc/thread-self/schedstat (nanoseconds, this
 * thread only, so worker threads' work is not counted); elsewhere the whole process's CPU time.
 */
function threadCpuMs(): number {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6
  } catch {
    const used = process.cpuUsage()
    return (used.user + used.system) / 1000
  }
}

/**
 * Longest stretch main spent on its own work between two timer turns: each gap is counted only as
 * far as main's thread used CPU during it, so time the OS gave to other processes (this machine's two
 * cores are shared) is not blamed on main, while a synchronous task shows at its full length.
 */
export function ownBlockingMonitor(): { stop(): number } {
  let last = performance.now()
  let cpu = threadCpuMs()
  let longest = 0
  const timer = setInterval(() => {
    const now = performance.now()
    const used = threadCpuMs()
    longest = Math.max(longest, Math.min(now - last, used - cpu))
    last = now
    cpu = used
  }, 5)
  return {
    stop() {
      clearInterval(timer)
      return longest
    }
  }
}
