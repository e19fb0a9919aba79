// The run state machine, enumerated: every (from, to, who) the app makes is accepted, every other
// triple is refused with an error naming both statuses, and the status lists the UI and recovery use
// agree with the moves.
import { describe, expect, it } from 'vitest'
import {
  canMove,
  checkMove,
  ownedStatuses,
  pausableStatuses,
  resumableStatuses,
  RunTransitionError,
  stoppableStatuses,
  type RunActor
} from '../../../src/shared/run-states'
import { RunStatus, type RunStatusName } from '../../../src/shared/runs'

const actors: RunActor[] = ['service', 'trainer', 'recovery', 'quit']

/** Written out by hand from docs/ARCHITECTURE.md, not derived from the module under test. */
const allowed = new Set([
  'queued>running:service',
  'queued>stopped:service',
  'running>paused:trainer',
  'paused>running:trainer',
  'running>stopped:trainer',
  'running>stopped:service',
  'paused>stopped:trainer',
  'paused>stopped:service',
  'running>completed:trainer',
  'running>failed:trainer',
  'running>failed:service',
  'paused>failed:service',
  'queued>interrupted:recovery',
  'running>interrupted:recovery',
  'paused>interrupted:recovery',
  'running>interrupted:quit',
  'paused>interrupted:quit',
  'interrupted>stopped:trainer',
  'interrupted>stopped:service',
  'interrupted>completed:trainer',
  'interrupted>failed:trainer',
  'interrupted>failed:service',
  'paused>queued:service',
  'stopped>queued:service',
  'failed>queued:service',
  'interrupted>queued:service',
  'completed>queued:service'
])

describe('run state machine', () => {
  const triples = RunStatus.options.flatMap((from) =>
    RunStatus.options.flatMap((to) => actors.map((by) => ({ from, to, by, key: `${from}>${to}:${by}` })))
  )

  it('covers every status and actor: 7 × 7 × 4 triples, 27 of them allowed', () => {
    expect(triples).toHaveLength(196)
    expect(triples.filter((t) => allowed.has(t.key))).toHaveLength(allowed.size)
    expect(allowed.size).toBe(27)
  })

  it.each(triples.filter((t) => allowed.has(t.key)))('accepts $from → $to by the $by', ({ from, to, by }) => {
    expect(canMove(from, to, by)).toBe(true)
    expect(checkMove(from, to, by)).toBe(to)
  })

  it('refuses every other triple with an error naming from, to and who', () => {
    const refused = triples.filter((t) => !allowed.has(t.key))
    expect(refused).toHaveLength(196 - 27)
    for (const { from, to, by } of refused) {
      expect(canMove(from, to, by), `${from} → ${to} by ${by}`).toBe(false)
      let error: unknown
      try {
        checkMove(from, to, by)
      } catch (err) {
        error = err
      }
      expect(error, `${from} → ${to} by ${by}`).toBeInstanceOf(RunTransitionError)
      expect((error as Error).message).toContain(`from ${from} to ${to} by the ${by}`)
    }
  })

  it('says what the actor may do instead', () => {
    expect(() => checkMove('completed', 'running', 'trainer')).toThrow(
      'A run cannot go from completed to running by the trainer; the trainer may not move a completed run.'
    )
    expect(() => checkMove('queued', 'paused', 'service')).toThrow(
      'A run cannot go from queued to paused by the service; from queued the service may move it to running, stopped.'
    )
  })

  it('derives the button and recovery lists from the moves', () => {
    const targets = (from: RunStatusName, to: RunStatusName, by: RunActor[]) =>
      by.some((a) => canMove(from, to, a))
    expect(RunStatus.options.filter((s) => targets(s, 'paused', ['trainer']))).toEqual([...pausableStatuses])
    expect(RunStatus.options.filter((s) => targets(s, 'interrupted', ['recovery']))).toEqual([
      ...ownedStatuses
    ])
    // Stop reaches `stopped` from every live status; Resume queues every resumable one.
    expect(stoppableStatuses.every((s) => targets(s, 'stopped', ['service', 'trainer']))).toBe(true)
    expect(stoppableStatuses).toEqual(ownedStatuses)
    expect(resumableStatuses.every((s) => canMove(s, 'queued', 'service'))).toBe(true)
    expect(RunStatus.options.filter((s) => canMove(s, 'queued', 'service'))).toEqual([
      'paused',
      'completed',
      'failed',
      'stopped',
      'interrupted'
    ])
  })
})
