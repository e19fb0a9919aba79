// The run queue's state machine, every (from, to, who) triple: the moves the queue service makes are
// accepted, all others refused with words naming both statuses and the actor, and the button lists
// agree with the moves.
import { describe, expect, it } from 'vitest'
import * as states from '../../../src/shared/queue-states'
import type { QueueActor } from '../../../src/shared/queue-states'
import { QueueStatus } from '../../../src/shared/queues'

/** By hand, from docs/ARCHITECTURE.md's "Run queues": status>status by actors. */
const moves: Record<string, QueueActor[]> = {
  'pending>running': ['service'],
  'running>paused': ['person', 'service', 'recovery', 'quit'],
  'pending>paused': ['recovery', 'quit'],
  'paused>running': ['person', 'service'],
  'failed>running': ['person', 'service'],
  'running>completed': ['service'],
  'pending>failed': ['service'],
  'running>failed': ['service'],
  'paused>failed': ['service'],
  'pending>stopped': ['person', 'service'],
  'running>stopped': ['person', 'service'],
  'paused>stopped': ['person', 'service'],
  'failed>stopped': ['person', 'service']
}
const { canMoveQueue, checkQueueMove } = states
const everyActor: QueueActor[] = ['person', 'service', 'recovery', 'quit']

describe('run queue state machine', () => {
  it('allows exactly the listed moves, 6 × 6 statuses × 4 actors', () => {
    let allowed = 0
    for (const from of QueueStatus.options) {
      for (const to of QueueStatus.options) {
        for (const by of everyActor) {
          const expected = moves[`${from}>${to}`]?.includes(by) ?? false
          expect(canMoveQueue(from, to, by), `${from} → ${to} by ${by}`).toBe(expected)
          if (expected) allowed++
          else expect(() => checkQueueMove(from, to, by)).toThrow(`from ${from} to ${to} by the ${by}`)
        }
      }
    }
    expect(allowed).toBe(23)
  })

  it.each([
    [
      ['completed', 'running', 'person'],
      'A queue cannot go from completed to running by the person; the person may not move a completed queue.'
    ],
    [['paused', 'completed', 'service'], 'from paused the service may move it to running, failed, stopped.']
  ] as const)('says what the actor may do instead of %j', ([from, to, by], words) => {
    expect(() => checkQueueMove(from, to, by)).toThrow(words)
  })

  it('offers the buttons and recovery where the moves allow them', () => {
    const from = (to: 'paused' | 'running' | 'stopped', by: QueueActor) =>
      QueueStatus.options.filter((s) => canMoveQueue(s, to, by))
    expect(from('paused', 'person')).toEqual([...states.pausableQueueStatuses])
    expect(from('running', 'person')).toEqual([...states.resumableQueueStatuses])
    expect(from('stopped', 'person')).toEqual([...states.stoppableQueueStatuses])
    expect(from('paused', 'recovery')).toEqual([...states.drivenQueueStatuses])
  })
})
