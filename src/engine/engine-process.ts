// Entry point of the engine process (TensorFlow.js lives here, never in main). Works under
// Electron's utilityProcess and Node's child_process.fork alike; main supervises it.
import { connectToHost } from './engine-transport'
import { startJobRunner } from './job-registry'
import { jobHandlers } from './jobs'

const transport = connectToHost()
const runner = startJobRunner(transport, jobHandlers)

function reportFatal(err: unknown): void {
  const message = err instanceof Error ? (err.stack ?? err.message) : String(err)
  process.stderr.write(`engine: ${message}\n`)
  transport.send({ kind: 'event', id: null, event: 'log', data: { level: 'error', message } })
}

function exitSoon(code: number): void {
  transport.close()
  // Give queued messages a moment to leave before the process ends.
  setTimeout(() => process.exit(code), 100)
}

process.on('uncaughtException', (err) => {
  reportFatal(err)
  exitSoon(70)
})
process.on('unhandledRejection', (err) => {
  reportFatal(err)
  exitSoon(70)
})

// Ctrl-C in a terminal signals the whole process group, this engine included; its parent decides what
// a Ctrl-C means (stop the run with a checkpoint first), so the engine does not end on it. It never
// outlives its parent: a closed channel (below) or the parent's own kill ends it.
process.on('SIGINT', () => undefined)

transport.onDisconnect(() => {
  void runner.abortAll().then(() => process.exit(0))
})
void runner.shutdownRequested.then(() => exitSoon(0))

transport.send({ kind: 'ready', pid: process.pid })
