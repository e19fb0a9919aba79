// Training runs as the renderer knows them: the history list, each opened run's detail, metrics
// and checkpoints, kept current by run.progress events (one subscription for the whole app).
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type {
  CheckpointInfo,
  ContinueSourceInfo,
  ContinueSourceSpec,
  RunDetail,
  RunEstimate,
  RunMetric,
  RunNote,
  RunProgressEvent,
  RunSummary
} from '../../shared/runs'
import type { InputOf, OutputOf } from '../../shared/contract'
import { api } from '../api'
import { addMetric } from '../views/runs/metric-log'
import { useLoader } from './loader'
import { runNoteText } from '../views/runs/run-words'

export const useRunsStore = defineStore('runs', () => {
  const list = ref<RunSummary[]>([])
  const details = ref<Record<number, RunDetail>>({})
  const metrics = ref<Record<number, RunMetric[]>>({})
  const checkpoints = ref<Record<number, CheckpointInfo[]>>({})
  /** The newest message of each run's events ("resuming from step 10", a failure's reason). */
  const lastMessage = ref<Record<number, string>>({})
  /** The same message as facts, when it has them (worded in the person's language by run-note.ts). */
  const lastNote = ref<Record<number, RunNote>>({})
  /** Metrics that arrived while a run's log was being loaded; applied after it. */
  const arrivedDuringLoad = new Map<number, RunMetric[]>()
  let unsubscribe: (() => void) | null = null

  const {
    loaded: listLoaded,
    loading: listLoading,
    loadError: listError,
    load: loadList
  } = useLoader(
    () => api.runs.list({}),
    (runs) => (list.value = runs)
  )

  async function loadDetail(id: number): Promise<RunDetail> {
    const detail = await api.runs.get({ id })
    details.value[id] = detail
    const at = list.value.findIndex((r) => r.id === id)
    if (at >= 0) list.value[at] = { ...list.value[at], ...detail }
    return detail
  }

  async function loadMetrics(id: number): Promise<RunMetric[]> {
    arrivedDuringLoad.set(id, [])
    try {
      let rows = await api.runs.metrics({ id, afterStep: -1 })
      const lastStep = rows.at(-1)?.step ?? -1
      for (const m of arrivedDuringLoad.get(id) ?? []) if (m.step >= lastStep) rows = addMetric(rows, m)
      metrics.value[id] = rows
      return rows
    } finally {
      arrivedDuringLoad.delete(id)
    }
  }

  async function loadCheckpoints(id: number): Promise<CheckpointInfo[]> {
    const rows = await api.runs.checkpoints({ id })
    checkpoints.value[id] = rows
    return rows
  }

  /** Replaces a run's summary fields everywhere it is kept (after pause, rename, ...). */
  function putSummary(summary: RunSummary): void {
    const at = list.value.findIndex((r) => r.id === summary.id)
    if (at >= 0) list.value[at] = summary
    else list.value.unshift(summary)
    const detail = details.value[summary.id]
    if (detail) details.value[summary.id] = { ...detail, ...summary }
  }

  /** Pause, stop or resume (from a checkpoint when given); then the run's detail, metrics and checkpoints
   *  are fetched again. Throws the service's error for the caller to show where the button is. */
  async function control(
    id: number,
    action: 'pause' | 'resume' | 'stop',
    checkpointStep?: number
  ): Promise<void> {
    const summary =
      action === 'pause'
        ? await api.runs.pause({ id })
        : action === 'stop'
          ? await api.runs.stop({ id })
          : await api.runs.resume(checkpointStep === undefined ? { id } : { id, checkpointStep })
    putSummary(summary)
    if (action === 'resume') await Promise.all([loadMetrics(id), loadCheckpoints(id)])
    await loadDetail(id)
  }

  /** Each of these throws the service's error, for the caller to show where it happened. */
  async function rename(id: number, name: string): Promise<void> {
    putSummary(await api.runs.rename({ id, name }))
  }

  async function saveNotes(id: number, notes: string): Promise<RunDetail> {
    const detail = await api.runs.notes({ id, notes })
    details.value[id] = detail
    return detail
  }

  /** The memory estimate of a configuration; with measure, after a dry run of two real steps. */
  async function estimate(input: InputOf<'runs', 'estimate'>): Promise<RunEstimate> {
    return api.runs.estimate(input)
  }

  /** What a run continuing from this adapter (a run's, a checkpoint's, a folder) takes from it. */
  async function continueSource(source: ContinueSourceSpec): Promise<ContinueSourceInfo> {
    return api.runs.continueSource(source)
  }

  /** Starts a run and keeps it as the newest in the list, its detail ready for its page. */
  async function start(input: InputOf<'runs', 'start'>): Promise<RunDetail> {
    const run = await api.runs.start(input)
    putSummary(run)
    details.value[run.id] = run
    return run
  }

  /** Writes a run's adapter (or a checkpoint's) as PEFT files; returns the folder written. */
  async function exportAdapter(input: InputOf<'runs', 'export'>): Promise<OutputOf<'runs', 'export'>> {
    return api.runs.export(input)
  }

  async function remove(id: number): Promise<void> {
    await api.runs.delete({ id })
    forget(id)
  }

  function forget(id: number): void {
    list.value = list.value.filter((r) => r.id !== id)
    delete details.value[id]
    delete metrics.value[id]
    delete checkpoints.value[id]
    delete lastMessage.value[id]
    delete lastNote.value[id]
  }

  /** A run's newest progress message, in the person's language when it came with its facts. */
  function lastMessageOf(id: number): string | null {
    const note = lastNote.value[id]
    return note ? runNoteText(note) : (lastMessage.value[id] ?? null)
  }

  function apply(event: RunProgressEvent): void {
    const { runId, status } = event
    const summary = list.value.find((r) => r.id === runId)
    if (summary) summary.status = status
    else if (listLoaded.value) void loadList()
    const detail = details.value[runId]
    if (detail) detail.status = status
    if (event.message) lastMessage.value[runId] = event.message
    if (event.note) lastNote.value[runId] = event.note
    else if (event.message) delete lastNote.value[runId]
    if (event.metric) {
      const log = metrics.value[runId]
      if (log) metrics.value[runId] = addMetric(log, event.metric)
      arrivedDuringLoad.get(runId)?.push(event.metric)
      if (event.metric.trainLoss !== null) {
        for (const run of [summary, detail]) {
          if (!run) continue
          run.step = event.metric.step
          run.lastLoss = event.metric.trainLoss
        }
      }
      if (event.metric.evalLoss !== null) {
        for (const run of [summary, detail]) if (run) run.lastEvalLoss = event.metric.evalLoss
      }
    }
    if (event.checkpoint && checkpoints.value[runId]) void loadCheckpoints(runId)
    // A status change ends or starts a phase whose totals (steps, times, adapter) only the service knows.
    if (!event.metric && !event.checkpoint && detail) void loadDetail(runId).catch(() => undefined)
  }

  /** Subscribes to run.progress once for the whole app; views call it when they open. */
  function listen(): void {
    unsubscribe ??= api.on('run.progress', apply)
  }

  function stopListening(): void {
    unsubscribe?.()
    unsubscribe = null
  }

  return {
    list,
    listLoaded,
    listLoading,
    listError,
    details,
    metrics,
    checkpoints,
    lastMessage,
    lastNote,
    lastMessageOf,
    loadList,
    loadDetail,
    loadMetrics,
    loadCheckpoints,
    putSummary,
    control,
    rename,
    saveNotes,
    remove,
    exportAdapter,
    estimate,
    continueSource,
    start,
    forget,
    listen,
    stopListening
  }
})
