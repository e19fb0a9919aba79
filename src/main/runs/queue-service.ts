// Run queues in main: trains several datasets (or files) one after another, each run continuing from
// the previous run's final adapter (the seed's "file 1 → 19" loop). The queue follows its current run
// through run.progress: a completed run starts the next, a failed or stopped one ends the queue, a run
// paused or resumed from its own page pauses or resumes the queue. Pause, Resume and Stop of the queue
// act on its current run. A queue left running by a process that is gone comes back paused.
import { basename } from 'node:path'
import type { ApiHandlers, ParsedInputOf } from '../../shared/contract'
import { ServiceError } from '../../shared/errors'
import {
  canMoveQueue,
  checkQueueMove,
  drivenQueueStatuses,
  pausableQueueStatuses,
  resumableQueueStatuses,
  stoppableQueueStatuses,
  type QueueActor
} from '../../shared/queue-states'
import type { QueueStatusName, RunQueue } from '../../shared/queues'
import { resumableStatuses, stoppableStatuses } from '../../shared/run-states'
import type { DataSourceSpec, RunProgressEvent } from '../../shared/runs'
import type { EventBus } from '../event-bus'
import { processAlive } from '../process-alive'
import { nowIso } from '../store/database'
import { createQueuesRepository, type QueueUpdate, type StoredQueue } from '../store/queues-repository'
import type { Store } from '../store/store'

export interface QueueServiceDeps {
  store: Store
  /** The runs API: the queue makes, pauses, resumes and stops its runs only through it. */
  runs: ApiHandlers['runs']
  /** Resolves when the run's training job has ended (run-service's settled). */
  runSettled(runId: number): Promise<void>
  events: EventBus
}

export interface QueueService {
  handlers: ApiHandlers['queues']
  /** Resolves once the queue completed, failed or stopped, or is paused with no run training (CLI). */
  settled(queueId: number): Promise<void>
  /** Marks queues left pending or running by a process that has died as paused; returns their ids. */
  recoverInterrupted(): number[]
  /** The app closes: this process's running queues become paused (Resume continues them), none advances. */
  shutdown(): void
}

export const QUEUE_INTERRUPTED_MESSAGE =
  'LoRA Studio closed while this queue was training. Resume continues its run from the last checkpoint, then the rest.'

const endedStatuses: readonly QueueStatusName[] = ['completed', 'failed', 'stopped']

export function createQueueService(deps: QueueServiceDeps): QueueService {
  const { store, runs, events } = deps
  const repo = createQueuesRepository(store.db)
  /** Queues whose next run is being made (between one run's end and the next one's start). */
  const advancing = new Set<number>()
  const waiters = new Map<number, (() => void)[]>()
  let closing = false

  function mustGet(id: number): StoredQueue {
    const queue = repo.get(id)
    if (!queue)
      throw new ServiceError('not_found', `Queue ${id} does not exist; list queues to see their ids.`)
    return queue
  }

  function view(queue: StoredQueue): RunQueue {
    const {
      preset: _preset,
      continueFrom: _from,
      continueFromStep: _step,
      config: _config,
      ownerPid: _pid,
      items,
      ...shown
    } = queue
    const runStatus = (runId: number | null) => (runId === null ? null : store.runs.get(runId)?.status)
    return { ...shown, items: items.map((item) => ({ ...item, status: runStatus(item.runId) ?? 'pending' })) }
  }

  function emit(queueId: number): void {
    const queue = repo.get(queueId)
    if (queue) events.emit('queue.progress', { queue: view(queue) })
    const waiting = waiters.get(queueId) ?? []
    waiters.delete(queueId)
    for (const wake of waiting) wake()
  }

  /** Moves the queue to `status` on behalf of `by`, as src/shared/queue-states.ts allows (else it throws). */
  function setStatus(
    queueId: number,
    status: QueueStatusName,
    by: QueueActor,
    fields: QueueUpdate = {}
  ): void {
    const to = checkQueueMove(mustGet(queueId).status, status, by)
    repo.update(queueId, {
      ...fields,
      status: to,
      finishedAt: endedStatuses.includes(to) ? nowIso() : null
    })
    emit(queueId)
  }

  /** The move, if `by` may make it from the queue's status now; a no-op otherwise (an event seen twice). */
  function moveIfAllowed(queueId: number, status: QueueStatusName, by: QueueActor, fields: QueueUpdate = {}) {
    if (canMoveQueue(mustGet(queueId).status, status, by)) setStatus(queueId, status, by, fields)
  }

  function label(data: DataSourceSpec): string {
    if (data.kind === 'file') return basename(data.path)
    const dataset = store.datasets.get(data.id)
    if (!dataset) {
      throw new ServiceError(
        'invalid_input',
        `Dataset ${data.id} does not exist; list datasets to see their ids.`
      )
    }
    return dataset.name
  }

  /**
   * What runs.start gets for item `position`: the one place the queue continues a run. The first run
   * has the queue's settings (continuing queue.continueFrom when given); each later run continues the
   * previous run's adapter on its own data and takes every other setting from that run.
   */
  function itemStartInput(queue: StoredQueue, position: number): ParsedInputOf<'runs', 'start'> {
    const item = queue.items[position]
    const name = `${queue.name} ${position + 1}/${queue.items.length}: ${item.label}`
    if (position === 0) {
      return {
        name,
        preset: queue.preset ?? undefined,
        continueFrom: queue.continueFrom ?? undefined,
        continueFromStep: queue.continueFromStep ?? undefined,
        config: { ...queue.config, data: item.data }
      }
    }
    const previous = queue.items[position - 1].runId
    if (previous === null) throw new Error(`queue ${queue.id} item ${position} has no previous run`)
    const { validation } = queue.config
    return {
      name,
      continueFrom: previous,
      config: validation === undefined ? { data: item.data } : { data: item.data, validation }
    }
  }

  /** Makes item `position`'s run; a refusal fails the queue with the reason. */
  async function startItem(queueId: number, position: number): Promise<void> {
    advancing.add(queueId)
    try {
      const queue = mustGet(queueId)
      repo.update(queueId, { current: position, ownerPid: process.pid })
      const run = await runs.start(itemStartInput(queue, position))
      repo.setItemRun(queueId, position, run.id)
      // The app is closing: the queue stays paused; the run-service's quit handles the run.
      if (closing) return
      // Stopped while the run was being made: it does not train.
      if (mustGet(queueId).status === 'stopped') {
        await runs.stop({ id: run.id })
        return
      }
      moveIfAllowed(queueId, 'running', 'service', { message: null })
      emit(queueId)
      // The run may have moved on while it was being made.
      const now = store.runs.get(run.id)
      if (now) follow(queueId, position, now.status)
    } catch (err) {
      const queue = mustGet(queueId)
      // The first run refused (its settings): the caller reports it and keeps no queue.
      if (queue.items.every((i) => i.runId === null)) throw err
      const why = err instanceof Error ? err.message : String(err)
      moveIfAllowed(queueId, 'failed', 'service', {
        message: `Run ${position + 1} of ${queue.items.length} (${queue.items[position].label}) could not start: ${why}`
      })
    } finally {
      advancing.delete(queueId)
    }
  }

  /** The next item after a completed run, or the queue's end. */
  function advance(queueId: number): void {
    if (advancing.has(queueId) || closing) return
    const queue = mustGet(queueId)
    const next = queue.current + 1
    if (next >= queue.items.length) {
      setStatus(queueId, 'completed', 'service', { message: null })
      return
    }
    void startItem(queueId, next).catch(() => undefined)
  }

  /** The queue follows a status of its current run. */
  function follow(queueId: number, position: number, runStatus: RunProgressEvent['status']): void {
    if (closing) return
    const queue = repo.get(queueId)
    if (!queue || queue.current !== position) return
    const item = queue.items[position]
    const which = `Run ${position + 1} of ${queue.items.length} (${item.label})`
    switch (runStatus) {
      case 'completed':
        if (queue.status === 'running') advance(queueId)
        break
      case 'failed': {
        const error = item.runId === null ? null : store.runs.get(item.runId)?.error
        moveIfAllowed(queueId, 'failed', 'service', {
          message: `${which} failed${error ? `: ${error}` : '.'} Resume the queue to resume it; the rest follow.`
        })
        break
      }
      case 'stopped':
        moveIfAllowed(queueId, 'stopped', 'service', {
          message: `${which} was stopped; the rest were not started.`
        })
        break
      case 'paused':
      case 'interrupted':
        moveIfAllowed(queueId, 'paused', 'service', { message: null })
        break
      case 'queued':
      case 'running':
        moveIfAllowed(queueId, 'running', 'service', { message: null, ownerPid: process.pid })
        break
    }
  }

  events.on('run.progress', (e) => {
    if (e.metric || e.checkpoint) return
    const at = repo.byRun(e.runId)
    if (!at) return
    follow(at.queueId, at.position, e.status)
    // The item shows its run's new status even when the queue's own status stays (e.g. already paused).
    emit(at.queueId)
  })

  function currentRun(queue: StoredQueue) {
    const runId = queue.items[queue.current]?.runId ?? null
    return runId === null ? null : store.runs.get(runId)
  }

  function nextChange(queueId: number): Promise<void> {
    return new Promise((resolve) => waiters.set(queueId, [...(waiters.get(queueId) ?? []), resolve]))
  }

  const handlers: ApiHandlers['queues'] = {
    async start({ name, preset, continueFrom, continueFromStep, items, config }) {
      if (continueFrom !== undefined && !store.runs.get(continueFrom)) {
        throw new ServiceError(
          'not_found',
          `Run ${continueFrom} does not exist; list runs to see their ids.`,
          [{ path: 'continueFrom', message: 'no such run' }]
        )
      }
      const labels = items.map((data, i) => {
        try {
          return label(data)
        } catch (err) {
          throw new ServiceError('invalid_input', (err as Error).message, [
            { path: `items.${i}`, message: 'no such dataset' }
          ])
        }
      })
      const queue = repo.create({
        name: name ?? `Queue of ${items.length}: ${labels[0]} → ${labels.at(-1)}`,
        preset: preset ?? null,
        continueFrom: continueFrom ?? null,
        continueFromStep: continueFromStep ?? null,
        config,
        items: items.map((data, i) => ({ data, label: labels[i] }))
      })
      try {
        await startItem(queue.id, 0)
      } catch (err) {
        // The first run was refused (its settings): nothing was trained, so no queue is left behind.
        repo.delete(queue.id)
        throw err
      }
      return view(mustGet(queue.id))
    },
    async list() {
      return repo.list().map(view)
    },
    async get({ id }) {
      return view(mustGet(id))
    },
    async pause({ id }) {
      const queue = mustGet(id)
      const run = currentRun(queue)
      if (!pausableQueueStatuses.includes(queue.status) || advancing.has(id)) {
        throw new ServiceError(
          'conflict',
          `Queue ${id} is ${queue.status}; only a running queue can be paused.`
        )
      }
      if (run?.status !== 'running') {
        throw new ServiceError(
          'conflict',
          `Queue ${id}'s run ${run?.id ?? ''} is ${run?.status ?? 'not made yet'}; pause the queue once its run trains, or stop it.`
        )
      }
      await runs.pause({ id: run.id })
      moveIfAllowed(id, 'paused', 'person', { message: null })
      return view(mustGet(id))
    },
    async resume({ id }) {
      const queue = mustGet(id)
      if (!resumableQueueStatuses.includes(queue.status) || advancing.has(id)) {
        throw new ServiceError(
          'conflict',
          `Queue ${id} is ${queue.status}; only a paused or failed queue can be resumed.`
        )
      }
      const run = currentRun(queue)
      if (run === null || run === undefined) {
        await startItem(id, queue.current)
      } else if (run.status === 'completed') {
        setStatus(id, 'running', 'person', { message: null, ownerPid: process.pid })
        advance(id)
      } else {
        if (run.status === 'paused' || resumableStatuses.includes(run.status))
          await runs.resume({ id: run.id })
        moveIfAllowed(id, 'running', 'person', { message: null, ownerPid: process.pid })
      }
      return view(mustGet(id))
    },
    async stop({ id }) {
      const queue = mustGet(id)
      if (!stoppableQueueStatuses.includes(queue.status)) {
        throw new ServiceError('conflict', `Queue ${id} is ${queue.status}; there is nothing to stop.`)
      }
      const left = queue.items.length - queue.current - 1
      setStatus(id, 'stopped', 'person', {
        message: left > 0 ? `Stopped; ${left} run${left === 1 ? ' was' : 's were'} not started.` : 'Stopped.'
      })
      const run = currentRun(queue)
      if (run && stoppableStatuses.includes(run.status)) await runs.stop({ id: run.id })
      return view(mustGet(id))
    }
  }

  return {
    handlers,
    async settled(queueId) {
      for (;;) {
        const queue = repo.get(queueId)
        if (!queue || endedStatuses.includes(queue.status)) return
        const run = currentRun(queue)
        if (queue.status === 'paused' && !advancing.has(queueId)) {
          // A paused run the engine still holds may be resumed; one it no longer holds ends the wait.
          const changed = nextChange(queueId)
          if (!run) return
          const held = await Promise.race([
            deps.runSettled(run.id).then(() => false),
            changed.then(() => true)
          ])
          if (!held) return
          continue
        }
        await nextChange(queueId)
      }
    },
    recoverInterrupted() {
      const orphans = repo
        .list()
        .filter(
          (q) =>
            drivenQueueStatuses.includes(q.status) &&
            q.ownerPid !== process.pid &&
            (q.ownerPid === null || !processAlive(q.ownerPid))
        )
      store.transaction(() => {
        for (const q of orphans) {
          repo.update(q.id, {
            status: checkQueueMove(q.status, 'paused', 'recovery'),
            message: QUEUE_INTERRUPTED_MESSAGE
          })
        }
      })
      return orphans.map((q) => q.id)
    },
    shutdown() {
      if (closing) return
      for (const q of repo.list()) {
        if (q.ownerPid === process.pid && drivenQueueStatuses.includes(q.status)) {
          setStatus(q.id, 'paused', 'quit', { message: QUEUE_INTERRUPTED_MESSAGE })
        }
      }
      closing = true
    }
  }
}
