// The run state machine in one place: which status may follow which, and who may make each move.
// Main's run service writes every status (checking each move here), the engine's trainer checks the
// statuses it proposes here, run-owner finds orphaned runs by the statuses a live process holds, and
// the renderer shows Pause/Resume/Stop from the same lists. docs/ARCHITECTURE.md explains the table.
import type { RunStatusName } from './runs'
import { moveChecks, TransitionError, type Transition } from './state-machine'

/**
 * Who moves a run: `service` is main's run service on its own account (the queue, a user's Stop or
 * Resume, an engine call that failed); `trainer` the engine's training loop (its progress reports and
 * its job result, persisted by the service); `recovery` the start-up sweep of runs whose owner
 * process is gone; `quit` an app quit whose grace time ran out.
 */
export type RunActor = 'service' | 'trainer' | 'recovery' | 'quit'

export type RunTransition = Transition<RunStatusName, RunActor>

/** A new run starts here (the store's default): created by `runs.start`, then queued. */
export const initialRunStatus = 'queued' satisfies RunStatusName

/** Statuses in which a process owns the run (runs.owner_pid): if that process is gone, it was interrupted. */
export const ownedStatuses: readonly RunStatusName[] = ['queued', 'running', 'paused']

/** Statuses a run can be resumed from (from its last checkpoint, or from the start if it has none). */
export const resumableStatuses: readonly RunStatusName[] = ['paused', 'failed', 'stopped', 'interrupted']

/** Statuses from which a person may pause, or stop, a run (the buttons and `runs.pause` / `runs.stop`). */
export const pausableStatuses: readonly RunStatusName[] = ['running']
export const stoppableStatuses: readonly RunStatusName[] = ['queued', 'running', 'paused']

export const runTransitions: readonly RunTransition[] = [
  {
    from: ['queued'],
    to: 'running',
    by: ['service'],
    when: 'the queue reaches it (one run trains at a time)'
  },
  { from: ['queued'], to: 'stopped', by: ['service'], when: 'Stop before it started' },
  { from: ['running'], to: 'paused', by: ['trainer'], when: 'Pause: the trainer wrote its pause checkpoint' },
  { from: ['paused'], to: 'running', by: ['trainer'], when: 'Resume of a paused run the engine still holds' },
  {
    from: ['running', 'paused'],
    to: 'stopped',
    by: ['trainer', 'service'],
    when:
      'Stop: the trainer checkpoints and stops; the service stops a run the engine had not begun to train, ' +
      'or a paused run the engine no longer holds'
  },
  {
    from: ['running'],
    to: 'completed',
    by: ['trainer'],
    when: 'the last step is done and the adapter written'
  },
  {
    from: ['running'],
    to: 'failed',
    by: ['trainer', 'service'],
    when: 'a non-finite loss (trainer), or the engine call failed or the engine died (service)'
  },
  {
    from: ['paused'],
    to: 'failed',
    by: ['service'],
    when: 'the engine died, or its stop failed, while paused'
  },
  {
    from: ownedStatuses,
    to: 'interrupted',
    by: ['recovery'],
    when: 'at start, for a run whose owner process is gone'
  },
  {
    from: ['running', 'paused'],
    to: 'interrupted',
    by: ['quit'],
    when: 'the app quit before the run finished its stop checkpoint'
  },
  {
    from: ['interrupted'],
    to: 'stopped',
    by: ['trainer', 'service'],
    when: "after quit gave up: the engine's stop answer (or its cancellation by the engine's shutdown) still lands"
  },
  {
    from: ['interrupted'],
    to: 'completed',
    by: ['trainer'],
    when: 'after quit gave up: the run finished its last step meanwhile'
  },
  {
    from: ['interrupted'],
    to: 'failed',
    by: ['trainer', 'service'],
    when: 'after quit gave up: the engine answered with an error'
  },
  {
    from: [...resumableStatuses, 'completed'],
    to: 'queued',
    by: ['service'],
    when: 'Resume: rolled back to a checkpoint (a completed run only to a chosen one) and queued again'
  }
]

export class RunTransitionError extends TransitionError<RunStatusName, RunActor> {
  constructor(from: RunStatusName, to: RunStatusName, by: RunActor) {
    super('run', runTransitions, from, to, by)
  }
}

const checks = moveChecks(runTransitions, (from, to, by) => new RunTransitionError(from, to, by))

/** Whether `by` may move a run from `from` to `to`. */
export const canMove = checks.can

/** `to`, when `by` may move a run from `from` to it; otherwise throws a RunTransitionError naming both. */
export const checkMove = checks.check
