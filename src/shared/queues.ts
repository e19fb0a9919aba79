// Schemas and types of run queues: several runs trained in sequence, each continuing from the previous
// run's final adapter (the seed's "file 1 → 19" loop), shown, paused and resumed as one queue.
import { z } from 'zod'
import { DataSource, presetNames, RunConfigPatch, type DataSourceSpec, type RunStatusName } from './runs'

export const QueueStatus = z.enum(['pending', 'running', 'paused', 'completed', 'failed', 'stopped'])
export type QueueStatusName = z.infer<typeof QueueStatus>

// Which status may follow which, and who moves a queue: src/shared/queue-states.ts.

/** One step of a queue: its data, and the run made for it once it started (null before). */
export interface QueueItem {
  position: number
  data: DataSourceSpec
  /** The dataset's name or the file's name, as it was when the queue was made. */
  label: string
  runId: number | null
  /** The run's status, or `pending` while no run was made for the item. */
  status: RunStatusName | 'pending'
}

export interface RunQueue {
  id: number
  name: string
  status: QueueStatusName
  /** The item training now, or the one that ended the queue (its index in items). */
  current: number
  items: QueueItem[]
  /** Why the queue paused, failed or stopped, in words the user can act on. */
  message: string | null
  createdAt: string
  finishedAt: string | null
}

export interface QueueProgressEvent {
  queue: RunQueue
}

// ---- API inputs -----------------------------------------------------------------------------

const Id = z.number().int().positive()

export const StartQueueInput = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  preset: z.enum(presetNames).optional(),
  /** The first run continues this run's adapter; without it the first run starts a fresh adapter. */
  continueFrom: Id.optional(),
  /** With continueFrom: its checkpoint at this step instead of its final adapter. */
  continueFromStep: z.number().int().min(0).optional(),
  /** Each run's data, in order: the second run continues the first's adapter, and so on. */
  items: z.array(DataSource).min(2, 'choose at least two datasets to train in sequence').max(500),
  /** The settings of the first run (the later ones take base model and LoRA settings from its adapter). */
  config: RunConfigPatch.omit({ data: true, initAdapter: true })
})
export type StartQueueValues = z.input<typeof StartQueueInput>
export const QueueIdInput = z.strictObject({ id: Id })
