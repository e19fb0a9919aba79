// Ctrl-C and SIGTERM while the CLI trains, caught from before the run is made (its engine may still be
// starting) until the command ends: the first signal stops the run, checkpoint first once a step was
// taken; later ones only say that the stop is under way, so a second Ctrl-C never cuts the checkpoint.
import type { CliIo } from '../cli-verb'

export interface Interrupts {
  /** The first signal received, if any. */
  readonly received: NodeJS.Signals | null
  /** Runs `stop` at once if a signal came already, else on the first one. */
  onInterrupt(stop: (signal: NodeJS.Signals) => void): void
  /** Stops listening; the process's default handling of the signals returns. */
  dispose(): void
}

const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM']

export function watchInterrupts(io: CliIo): Interrupts {
  let received: NodeJS.Signals | null = null
  let stop: ((signal: NodeJS.Signals) => void) | null = null
  const onSignal = (signal: NodeJS.Signals) => {
    if (received !== null) {
      io.err(`${signal}: still stopping (writing the checkpoint); this ends within 30 s.`)
      return
    }
    received = signal
    stop?.(signal)
  }
  for (const s of signals) process.on(s, onSignal)
  return {
    get received() {
      return received
    },
    onInterrupt(fn) {
      stop = fn
      if (received !== null) fn(received)
    },
    dispose() {
      for (const s of signals) process.off(s, onSignal)
    }
  }
}
