// Turns an engine process's exit into a sentence a person can act on: how it ended (code, signal,
// or Electron's reason), what it was doing, the last thing it printed, and what happens next.
import type { EngineExit, EngineExitReason } from './engine-spawner'

const signalHints: Partial<Record<NodeJS.Signals, string>> = {
  SIGKILL: 'it may have run out of memory or been ended from outside',
  SIGSEGV:
    'a native library crashed (for tfjs-node: check the CUDA/cuDNN versions, or force LORA_STUDIO_BACKEND=wasm)',
  SIGABRT: 'a native library aborted (often out of memory)'
}

const outOfMemory = 'it ran out of memory: lower the batch size or the max length, or close other programs'

/** Electron's reasons (the desktop app's engine), worded like the signals above. */
const reasons: Record<EngineExitReason, { said: string; hint?: string }> = {
  'clean-exit': { said: 'exited' },
  'abnormal-exit': { said: 'ended abnormally' },
  killed: { said: 'was killed', hint: signalHints.SIGKILL },
  crashed: { said: 'crashed', hint: signalHints.SIGSEGV },
  oom: { said: 'ran out of memory', hint: outOfMemory },
  'launch-failed': { said: 'could not be launched' },
  'integrity-failure': {
    said: 'failed an integrity check',
    hint: "the app's files may be damaged: reinstall LoRA Studio"
  },
  'fatal-error': { said: 'stopped on a V8 fatal error' }
}

export function describeExit(exit: EngineExit): string {
  if (exit.signal) return `was killed (${exit.signal})`
  if (exit.reason && exit.reason !== 'clean-exit') {
    const said = reasons[exit.reason].said
    return exit.code === null ? said : `${said} (exit code ${exit.code})`
  }
  if (exit.code === null) return 'could not be started'
  return `exited with code ${exit.code}`
}

function hintOf(exit: EngineExit): string | undefined {
  if (exit.signal) return signalHints[exit.signal]
  if (exit.detail && /out of memory|heap limit/i.test(exit.detail)) return outOfMemory
  return exit.reason ? reasons[exit.reason].hint : undefined
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
  const hint = hintOf(exit)
  const last = lastOutputLine(output)
  const parts = [`The engine process ${describeExit(exit)} ${doing}.`]
  if (hint) parts.push(`${hint[0].toUpperCase()}${hint.slice(1)}.`)
  if (exit.detail) parts.push(`V8 said: "${exit.detail.slice(0, 300)}".`)
  if (last) parts.push(`Its last output: "${last}".`)
  parts.push('The next request starts a fresh engine.')
  return parts.join(' ')
}
