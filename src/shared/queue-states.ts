// The run queue's own state machine, in the style of run-states.ts: a queue of runs trained one after
// another, each continuing from the previous run's adapter. Which status may follow which and who may
// make each move is this one table; the queue service checks every move here, and the renderer shows
// Pause/Resume/Stop from the lists below.
import type { QueueStatusName } from './queues'
import { moveChecks, TransitionError, type Transition } from './state-machine'

/**
 * Who moves a queue: `person` a Pause, Resume or Stop of the queue itself; `service` the queue service
 * on its own account (an item run ended, or was paused, resumed or stopped from its run page);
 * `recovery` the start-up sweep of queues whose owner process is gone; `quit` the app closing.
 */
export type QueueActor = 'person' | 'service' | 'recovery' | 'quit'

export type QueueTransition = Transition<QueueStatusName, QueueActor>

/** A new queue starts here, until its first run exists. */
export const initialQueueStatus = 'pending' satisfies QueueStatusName

/** Statuses in which a process drives the queue (run_queues.owner_pid): if it is gone, the queue was interrupted. */
export const drivenQueueStatuses: readonly QueueStatusName[] = ['pending', 'running']

/** The buttons (and queues.pause / resume / stop) are offered from these statuses. */
export const pausableQueueStatuses: readonly QueueStatusName[] = ['running']
export const resumableQueueStatuses: readonly QueueStatusName[] = ['paused', 'failed']
export const stoppableQueueStatuses: readonly QueueStatusName[] = ['pending', 'running', 'paused', 'failed']

export const queueTransitions: readonly QueueTransition[] = [
  { from: ['pending'], to: 'running', by: ['service'], when: 'its first run was created' },
  {
    from: ['running'],
    to: 'paused',
    by: ['person', 'service'],
    when: 'Pause (its run paused, no next run starts), or its run was paused from the run page'
  },
  {
    from: drivenQueueStatuses,
    to: 'paused',
    by: ['recovery', 'quit'],
    when: 'the app closed (or was killed) while the queue was training; Resume continues its run'
  },
  {
    from: ['paused', 'failed'],
    to: 'running',
    by: ['person', 'service'],
    when: 'Resume (its run resumes from its last checkpoint), or its run was resumed from the run page'
  },
  { from: ['running'], to: 'completed', by: ['service'], when: 'the last run completed' },
  {
    from: ['pending', 'running', 'paused'],
    to: 'failed',
    by: ['service'],
    when: 'a run failed, or the next run could not be started; no further run starts'
  },
  {
    from: stoppableQueueStatuses,
    to: 'stopped',
    by: ['person', 'service'],
    when: 'Stop (its run stops with a checkpoint; the rest never start), or its run was stopped from the run page'
  }
]

/** canMoveQueue(from, to, by), and checkQueueMove: `to`, or a TransitionError naming both statuses and the actor. */
export const { can: canMoveQueue, check: checkQueueMove } = moveChecks(
  queueTransitions,
  (from, to, by) => new TransitionError('queue', queueTransitions, from, to, by)
)
