// The run_queues and run_queue_items tables (migration 007): a queue with the settings of its first
// run, and its items in order, each with its data and, once started, its run. A queue and its items
// are written in one transaction.
import type { DataSourceSpec, RunConfigPatchValues, PresetName } from '../../shared/runs'
import type { QueueStatusName } from '../../shared/queues'
import type { SqliteDatabase } from './database'
import { nowIso } from './database'
import { fromJson, toJson } from './json-column'

export interface NewQueue {
  name: string
  preset: PresetName | null
  continueFrom: number | null
  continueFromStep: number | null
  config: RunConfigPatchValues
  items: { data: DataSourceSpec; label: string }[]
}

export interface StoredQueueItem {
  position: number
  data: DataSourceSpec
  label: string
  runId: number | null
}

export interface StoredQueue {
  id: number
  name: string
  status: QueueStatusName
  preset: PresetName | null
  continueFrom: number | null
  continueFromStep: number | null
  config: RunConfigPatchValues
  current: number
  message: string | null
  ownerPid: number | null
  createdAt: string
  finishedAt: string | null
  items: StoredQueueItem[]
}

/** Fields the queue's lifecycle changes; `undefined` leaves a field as it is, `null` clears it. */
export interface QueueUpdate {
  status?: QueueStatusName
  current?: number
  message?: string | null
  ownerPid?: number | null
  finishedAt?: string | null
}

/** A run_queues row with its columns named as StoredQueue names them (the select below). */
type QueueRow = Omit<StoredQueue, 'config' | 'items'> & { configJson: string }

interface ItemRow {
  position: number
  dataJson: string
  label: string
  runId: number | null
}

const columns: Record<keyof QueueUpdate, string> = {
  status: 'status',
  current: 'current',
  message: 'message',
  ownerPid: 'owner_pid',
  finishedAt: 'finished_at'
}

export interface QueuesRepository {
  create(queue: NewQueue): StoredQueue
  get(id: number): StoredQueue | null
  /** Newest first. */
  list(): StoredQueue[]
  update(id: number, fields: QueueUpdate): void
  setItemRun(queueId: number, position: number, runId: number): void
  /** The queue and item position a run was made for, if any. */
  byRun(runId: number): { queueId: number; position: number } | null
  delete(id: number): void
}

export function createQueuesRepository(db: SqliteDatabase): QueuesRepository {
  const insertQueue = db.prepare(
    `insert into run_queues (name, preset, continue_from, continue_from_step, config_json, created_at)
     values (@name, @preset, @continueFrom, @continueFromStep, @config, @createdAt)`
  )
  const insertItem = db.prepare(
    'insert into run_queue_items (queue_id, position, data_json, label) values (?, ?, ?, ?)'
  )
  const queueColumns = `id, name, status, preset, continue_from as continueFrom,
    continue_from_step as continueFromStep, config_json as configJson,
    current, message, owner_pid as ownerPid, created_at as createdAt, finished_at as finishedAt`
  const byId = db.prepare<[number], QueueRow>(`select ${queueColumns} from run_queues where id = ?`)
  const all = db.prepare<[], QueueRow>(`select ${queueColumns} from run_queues order by id desc`)
  const items = db.prepare<[number], ItemRow>(
    `select position, data_json as dataJson, label, run_id as runId from run_queue_items
     where queue_id = ? order by position`
  )
  const setRun = db.prepare('update run_queue_items set run_id = ? where queue_id = ? and position = ?')
  const ofRun = db.prepare<[number], { queue_id: number; position: number }>(
    'select queue_id, position from run_queue_items where run_id = ?'
  )
  const remove = db.prepare('delete from run_queues where id = ?')

  function toQueue({ configJson, ...row }: QueueRow): StoredQueue {
    const where = (what: string) => `run_queues id ${row.id} ${what}`
    return {
      ...row,
      config: fromJson(configJson, where('config_json')) as RunConfigPatchValues,
      items: items.all(row.id).map(({ dataJson, ...item }) => ({
        ...item,
        data: fromJson(dataJson, where(`item ${item.position} data_json`)) as DataSourceSpec
      }))
    }
  }

  const get = (id: number) => {
    const row = byId.get(id)
    return row ? toQueue(row) : null
  }

  return {
    create(queue) {
      const id = db.transaction(() => {
        const info = insertQueue.run({
          name: queue.name,
          preset: queue.preset,
          continueFrom: queue.continueFrom,
          continueFromStep: queue.continueFromStep,
          config: toJson(queue.config),
          createdAt: nowIso()
        })
        const queueId = Number(info.lastInsertRowid)
        queue.items.forEach((item, position) =>
          insertItem.run(queueId, position, toJson(item.data), item.label)
        )
        return queueId
      })()
      return get(id) as StoredQueue
    },
    get,
    list: () => all.all().map(toQueue),
    update(id, fields) {
      const set = (Object.keys(fields) as (keyof QueueUpdate)[]).filter((k) => fields[k] !== undefined)
      if (set.length === 0) return
      db.prepare(
        `update run_queues set ${set.map((k) => `${columns[k]} = @${k}`).join(', ')} where id = @id`
      ).run({ ...Object.fromEntries(set.map((k) => [k, fields[k]])), id })
    },
    setItemRun: (queueId, position, runId) => void setRun.run(runId, queueId, position),
    byRun(runId) {
      const row = ofRun.get(runId)
      return row ? { queueId: row.queue_id, position: row.position } : null
    },
    delete: (id) => void remove.run(id)
  }
}
