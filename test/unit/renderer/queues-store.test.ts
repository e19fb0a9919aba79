// The renderer's run queues without a browser: the list the queues store keeps as queue.progress
// events and actions arrive, the Train form's sequence moving one place at a time, and the form's
// settings turned into a queue's start input (or the reason they cannot be one). The store's wiring
// to the page runs in test/e2e/queues.test.ts.
import { describe, expect, it } from 'vitest'
import type { RunQueue } from '../../../src/shared/queues'
import { resolveRunConfig } from '../../../src/shared/runs'
import { movedOnePlace, withQueue } from '../../../src/renderer/stores/queue-list'
import { queueStartInput } from '../../../src/renderer/views/runs/queue-start'

function queue(id: number, status: RunQueue['status'], current = 0): RunQueue {
  return {
    id,
    name: `queue ${id}`,
    status,
    current,
    message: null,
    createdAt: '2026-12-06T12:00:00.000Z',
    finishedAt: null,
    items: [1, 2].map((ds, position) => ({
      position,
      data: { kind: 'dataset', id: ds },
      label: `part ${ds}`,
      runId: position <= current ? 10 + position : null,
      status: position < current ? 'completed' : position === current ? 'running' : 'pending'
    }))
  }
}

describe('the queues list', () => {
  it('replaces a queue with its newer copy in place, and puts a new one first', () => {
    const list = [queue(2, 'running'), queue(1, 'completed', 1)]
    const advanced = withQueue(list, queue(2, 'running', 1))
    expect(advanced.map((q) => [q.id, q.current])).toEqual([
      [2, 1],
      [1, 1]
    ])
    expect(advanced[0].items.map((i) => i.status)).toEqual(['completed', 'running'])
    expect(list[0].current).toBe(0)
    expect(withQueue(advanced, queue(3, 'pending')).map((q) => q.id)).toEqual([3, 2, 1])
  })

  it('moves a dataset of the sequence one place, never past either end', () => {
    expect(movedOnePlace([3, 5, 7], 2, -1)).toEqual([3, 7, 5])
    expect(movedOnePlace([3, 5, 7], 0, 1)).toEqual([5, 3, 7])
    expect(movedOnePlace([3, 5, 7], 0, -1)).toEqual([3, 5, 7])
    expect(movedOnePlace([3, 5, 7], 2, 1)).toEqual([3, 5, 7])
  })
})

describe('a queue from the Train form', () => {
  const config = resolveRunConfig('quick-test', {
    baseModel: '/models/demo',
    data: { kind: 'dataset', id: 3 }
  })

  it('trains the datasets in order with the form settings, continuing the chosen run', () => {
    const input = queueStartInput(config, [3, 5], 'blog', { continueFrom: 4, continueFromStep: 8 })
    if ('problem' in input) throw new Error(`refused: ${input.problem}`)
    expect(input).toMatchObject({ name: 'blog', continueFrom: 4, continueFromStep: 8 })
    expect(input.items).toEqual([
      { kind: 'dataset', id: 3 },
      { kind: 'dataset', id: 5 }
    ])
    expect(input.config).not.toHaveProperty('data')
    expect(input.config).not.toHaveProperty('initAdapter')
    expect(input.config.lora).toEqual(config.lora)
    expect(input.config.maxLength).toBe(config.maxLength)
  })

  it('says why not: one dataset, or an adapter folder that is not a run', () => {
    expect(queueStartInput(config, [3], '', {})).toEqual({ problem: 'needTwo' })
    expect(queueStartInput({ ...config, initAdapter: '/tmp/adapter' }, [3, 5], '', {})).toEqual({
      problem: 'adapterNotRun'
    })
    expect(queueStartInput(config, [3, 5], '', {})).not.toHaveProperty('name')
  })
})
