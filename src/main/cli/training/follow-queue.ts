// Follows a run queue from the CLI until it ends: each run's progress as `train` prints it (JSON lines
// with "run", "step" and "loss" under --json), a line as each run of the queue starts or ends, and the
// queue's summary last. Ctrl-C or SIGTERM pauses the queue (its run checkpoints and stops);
// `train-queue --resume ID`, or Resume in the app, goes on from there.
import type { RunQueue } from '../../../shared/queues'
import type { AppContext } from '../../app-context'
import type { CliIo } from '../cli-verb'
import { metricJson, progressText } from './follow-run'
import type { Interrupts } from './interrupts'

export function queueJson(queue: RunQueue): Record<string, unknown> {
  return {
    queue: queue.id,
    name: queue.name,
    status: queue.status,
    current: queue.current,
    message: queue.message,
    items: queue.items.map((i) => ({ label: i.label, data: i.data, run: i.runId, status: i.status }))
  }
}

/** Prints progress until the queue ends; returns the exit code (0 completed, 130 paused by a signal, 1 otherwise). */
export async function followQueue(
  context: AppContext,
  queueId: number,
  io: CliIo,
  json: boolean,
  interrupts: Interrupts
): Promise<number> {
  let queue = await context.handlers.queues.get({ id: queueId })
  let interrupted = false
  const lastLoss = new Map<number, number>()
  const said = new Set<string>()
  const say = (queue: RunQueue) => {
    for (const item of queue.items) {
      const line = `run ${item.position + 1}/${queue.items.length} (${item.label}): ${item.status}${item.runId === null ? '' : `, run ${item.runId}`}`
      if (item.status === 'pending' || said.has(line)) continue
      said.add(line)
      if (!json) io.err(line)
    }
  }
  say(queue)
  const offQueue = context.events.on('queue.progress', (e) => {
    if (e.queue.id !== queueId) return
    queue = e.queue
    say(queue)
  })
  const offRun = context.events.on('run.progress', (e) => {
    const item = queue.items.find((i) => i.runId === e.runId)
    if (!item || !e.metric) return
    if (e.metric.trainLoss !== null) lastLoss.set(e.runId, e.metric.trainLoss)
    if (json) io.out(JSON.stringify({ run: e.runId, ...metricJson(e.metric, lastLoss.get(e.runId) ?? null) }))
    else io.err(progressText(e.metric, context.store.runs.get(e.runId)?.totalSteps ?? null))
  })
  let onStopped: () => void = () => undefined
  const stopped = new Promise<void>((resolve) => (onStopped = resolve))
  interrupts.onInterrupt((signal) => {
    interrupted = true
    io.err(`\n${signal}: pausing queue ${queueId} after its run's checkpoint…`)
    context.queues.shutdown()
    void context.runs.shutdown().finally(onStopped)
  })
  try {
    await Promise.race([context.queues.settled(queueId), stopped])
  } finally {
    offQueue()
    offRun()
  }
  const done = await context.handlers.queues.get({ id: queueId })
  if (json) io.out(JSON.stringify(queueJson(done)))
  else {
    io.out(`queue ${done.id} "${done.name}": ${done.status}`)
    for (const i of done.items)
      io.out(`  ${i.position + 1}. ${i.label}: ${i.status}${i.runId === null ? '' : ` (run ${i.runId})`}`)
    if (done.message) io.out(done.message)
    if (done.status === 'paused') io.out(`resume with: lora-studio train-queue --resume ${done.id}`)
  }
  if (done.status === 'completed') return 0
  return interrupted && done.status === 'paused' ? 130 : 1
}
