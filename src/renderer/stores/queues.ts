// Run queues as the renderer knows them: every queue with its items' states, kept current by
// queue.progress events (one subscription for the whole app), its Pause/Resume/Stop, and the Train
// form's "several datasets in sequence" choice (the ordered datasets), kept while the person is away.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { InputOf } from '../../shared/contract'
import type { RunQueue } from '../../shared/queues'
import { api } from '../api'
import { messageOf } from './loader'
import { movedOnePlace, withQueue } from './queue-list'

export const useQueuesStore = defineStore('queues', () => {
  /** Newest first, as the service lists them. */
  const list = ref<RunQueue[]>([])
  const loadError = ref<string | null>(null)
  /** The last Pause/Resume/Stop refusal, by queue. */
  const actionError = ref<Record<number, string>>({})
  /** The Train form's sequence: on or off, and the datasets in the order they train. */
  const sequence = ref<{ on: boolean; datasetIds: number[] }>({ on: false, datasetIds: [] })
  let unsubscribe: (() => void) | null = null

  function put(queue: RunQueue): void {
    list.value = withQueue(list.value, queue)
  }

  function listen(): void {
    unsubscribe ??= api.on('queue.progress', ({ queue }) => put(queue))
  }

  async function load(): Promise<void> {
    listen()
    try {
      list.value = await api.queues.list({})
      loadError.value = null
    } catch (err) {
      loadError.value = messageOf(err)
    }
  }

  async function start(input: InputOf<'queues', 'start'>): Promise<RunQueue> {
    listen()
    const queue = await api.queues.start(input)
    put(queue)
    return queue
  }

  async function act(id: number, action: 'pause' | 'resume' | 'stop'): Promise<void> {
    try {
      put(await api.queues[action]({ id }))
      delete actionError.value[id]
    } catch (err) {
      actionError.value[id] = messageOf(err)
    }
  }

  /** Moves the sequence's dataset at `from` one place up (-1) or down (+1). */
  function move(from: number, by: -1 | 1): void {
    sequence.value.datasetIds = movedOnePlace(sequence.value.datasetIds, from, by)
  }

  function stop(): void {
    unsubscribe?.()
    unsubscribe = null
  }

  return { list, loadError, actionError, sequence, load, start, act, move, stop }
})
