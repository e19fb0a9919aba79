// Turns an engine process's exit into a sentence a person can act on: how it ended (code or
// signal), what it was doing, the last thing it printed, and what happens next.
import type { EngineExit } from './engine-spawner'

const signalHints: Partial<Record<NodeJS.Signals, string>> = {
  SIGKILL: 'it may have run out of memory or been ended from outside',
  SIGSEGV:
    'a native library crashed (for tfjs-node: check the CUDA/cuDNN versions, or force LORA_STUDIO_BACKEND=wasm)',
  SIGABRT: 'a native library aborted (often out of memory)'
}

export function describeExit(exit: EngineExit): string {
  if (exit.signal) return `was killed (${exit.signal})`
  if (exit.code === null) return 'could not be started'
  return `exited with code ${exit.code}`
}

/**
 * Lines native libraries print on every start that say nothing about a crash: Dawn's notes on the limits it
 * lowers (WebGPU backend) and Mesa's complaint about a missing XDG_RUNTIME_DIR (lavapipe).
 */
const routineLines = [/^Warning: maxDynamic\w+ artificially reduced/, /XDG_RUNTIME_DIR/]

/** The last non-empty line of the engine's output that is not routine start-up noise, shortened. */
export function lastOutputLine(output: string): string | null {
  const lines = output
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !routineLines.some((re) => re.test(line)))
  const last = lines.at(-1)
  if (!last) return null
  return last.length > 300 ? `${last.slice(0, 300)}…` : last
}

export function crashMessage(exit: EngineExit, runningJobs: string[], output: string): string {
  const doing = runningJobs.length ? `while running ${[...new Set(runningJobs)].join(', ')}` : 'while idle'
  const hint = exit.signal ? signalHints[exit.signal] : undefined
  const last = lastOutputLine(output)
  const parts = [`The engine process ${describeExit(exit)} ${doing}.`]
  if (hint) parts.push(`${hint[0].toUpperCase()}${hint.slice(1)}.`)
  if (last) parts.push(`Its last output: "${last}".`)
  parts.push('The next request starts a fresh engine.')
  return parts.join(' ')
}
