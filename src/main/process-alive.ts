// Whether a process id names a running process, for telling work a live process owns (a run it
// trains, an import it writes) from what a killed one left behind. EPERM means alive, another user's.
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}
