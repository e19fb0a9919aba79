// The contract between the renderer and the main process: every method (with its zod input and
// its result type) and every event. Preload, IPC, browser mode and the CLI are all derived from it.
// Each domain keeps its schemas and types in its own file (system.ts, models.ts, ...).
import type { z } from 'zod'
import * as sys from './system'
import * as runs from './runs'
import * as ds from './datasets'
import * as models from './models'
import * as chat from './chat'
import * as backups from './backups'
import * as ev from './evaluation'
import * as queues from './queues'

interface MethodSpec<I extends z.ZodType, O> {
  input: I
  /** Phantom: carries the result type only. */
  output: O
}

function method<O>() {
  return <I extends z.ZodType>(input: I): MethodSpec<I, O> => ({ input, output: undefined as unknown as O })
}

export const contract = {
  system: {
    info: method<sys.SystemInfo>()(sys.EmptyInput),
    pickPaths: method<sys.PickPathsResult>()(sys.PickPathsInput)
  },
  settings: {
    get: method<sys.Settings>()(sys.EmptyInput),
    update: method<sys.Settings>()(sys.SettingsPatch)
  },
  backups: {
    list: method<backups.BackupsInfo>()(sys.EmptyInput),
    /** Stages a backup to replace studio.db at the next start (null cancels); the app must restart. */
    restore: method<backups.BackupsInfo>()(backups.RestoreBackupInput)
  },
  runs: {
    start: method<runs.RunDetail>()(runs.StartRunInput),
    list: method<runs.RunSummary[]>()(sys.EmptyInput),
    get: method<runs.RunDetail>()(runs.RunIdInput),
    metrics: method<runs.RunMetric[]>()(runs.RunMetricsInput),
    pause: method<runs.RunSummary>()(runs.RunIdInput),
    resume: method<runs.RunSummary>()(runs.ResumeRunInput),
    stop: method<runs.RunSummary>()(runs.RunIdInput),
    delete: method<{ deleted: true }>()(runs.RunIdInput),
    rename: method<runs.RunSummary>()(runs.RenameRunInput),
    notes: method<runs.RunDetail>()(runs.RunNotesInput),
    checkpoints: method<runs.CheckpointInfo[]>()(runs.RunIdInput),
    estimate: method<runs.RunEstimate>()(runs.EstimateRunInput),
    /** On wasm: whether these settings fit each registered model (null on another backend). */
    wasmFits: method<runs.ModelWasmFit[] | null>()(runs.WasmFitsInput),
    export: method<runs.ExportRunResult>()(runs.ExportRunInput),
    /** What a run continuing from this adapter inherits (and may not change): for the Train form. */
    continueSource: method<runs.ContinueSourceInfo>()(runs.ContinueSourceInput)
  },
  /** Runs trained in sequence, each continuing from the previous run's adapter; streams `queue.progress`. */
  queues: {
    start: method<queues.RunQueue>()(queues.StartQueueInput),
    list: method<queues.RunQueue[]>()(sys.EmptyInput),
    get: method<queues.RunQueue>()(queues.QueueIdInput),
    pause: method<queues.RunQueue>()(queues.QueueIdInput),
    resume: method<queues.RunQueue>()(queues.QueueIdInput),
    stop: method<queues.RunQueue>()(queues.QueueIdInput)
  },
  models: {
    list: method<models.ModelSummary[]>()(sys.EmptyInput),
    get: method<models.ModelSummary>()(models.ModelIdInput),
    createDemo: method<models.ModelSummary>()(models.CreateDemoInput),
    importFolder: method<models.ModelSummary>()(models.ImportFolderInput),
    download: method<models.ModelSummary>()(models.DownloadInput),
    cancelDownload: method<models.CancelDownloadResult>()(models.CancelDownloadInput),
    delete: method<{ deleted: true }>()(models.ModelIdInput),
    /** What chatting with the model takes in the engine, at its full context. */
    memory: method<runs.InferenceEstimate>()(models.ModelIdInput)
  },
  datasets: {
    inspect: method<ds.InspectResult>()(ds.InspectInput),
    preview: method<ds.PreviewResult>()(ds.PreviewInput),
    import: method<ds.DatasetDetail>()(ds.ImportInput),
    list: method<ds.DatasetSummary[]>()(sys.EmptyInput),
    get: method<ds.DatasetDetail>()(ds.DatasetIdInput),
    records: method<ds.RecordsPage>()(ds.RecordsInput),
    recordPreview: method<ds.PreviewSample>()(ds.RecordPreviewInput),
    delete: method<{ deleted: true }>()(ds.DatasetIdInput),
    addSample: method<ds.DatasetDetail>()(ds.AddSampleInput),
    /** Tokens per character of the dataset's text on a model's tokenizer and on GPT-2's (cached). */
    tokensPerChar: method<ds.TokensPerCharComparison>()(ds.TokensPerCharInput)
  },
  chat: {
    list: method<chat.ChatSummary[]>()(sys.EmptyInput),
    get: method<chat.ChatDetail>()(chat.ChatIdInput),
    create: method<chat.ChatDetail>()(chat.CreateChatInput),
    rename: method<chat.ChatSummary>()(chat.RenameChatInput),
    delete: method<{ deleted: true }>()(chat.ChatIdInput),
    /** Streams `chat.token`; resolves with the saved answer. */
    send: method<chat.ChatMessage>()(chat.SendChatInput),
    cancel: method<{ cancelled: boolean }>()(chat.CancelChatInput),
    /** Streams `chat.compareToken`; every target answers the same prompt with the same settings and seed. */
    compare: method<chat.CompareResult>()(chat.CompareInput),
    /** Resolves a target without answering: its base model, or why it cannot answer (an adapter that does not fit). */
    check: method<chat.TargetCheck>()(chat.ChatTarget)
  },
  evaluate: {
    /** Streams `evaluate.progress`; with runId the report is kept with the run. */
    perplexity: method<ev.PerplexityReport>()(ev.PerplexityInput),
    /** A run's kept evaluations, oldest first. */
    list: method<ev.PerplexityReport[]>()(ev.EvaluationsInput),
    cancel: method<{ cancelled: boolean }>()(ev.CancelEvaluationInput)
  }
} as const

export type Contract = typeof contract
export type Domain = keyof Contract
export type MethodName<D extends Domain> = keyof Contract[D] & string
export type ChannelName = { [D in Domain]: `${D}.${MethodName<D>}` }[Domain]

type SpecOf<D extends Domain, M extends MethodName<D>> = Contract[D][M]
export type InputOf<D extends Domain, M extends MethodName<D>> =
  SpecOf<D, M> extends MethodSpec<infer I, unknown> ? z.input<I> : never
export type ParsedInputOf<D extends Domain, M extends MethodName<D>> =
  SpecOf<D, M> extends MethodSpec<infer I, unknown> ? z.output<I> : never
export type OutputOf<D extends Domain, M extends MethodName<D>> =
  SpecOf<D, M> extends MethodSpec<z.ZodType, infer O> ? O : never

/** Every event the renderer may receive, by name. */
export interface ApiEvents {
  'engine.status': sys.EngineStatusEvent
  'run.progress': runs.RunProgressEvent
  'queue.progress': queues.QueueProgressEvent
  'dataset.importProgress': ds.ImportProgressEvent
  'download.progress': models.DownloadProgressEvent
  'chat.token': chat.ChatTokenEvent
  'chat.compareToken': chat.CompareTokenEvent
  'evaluate.progress': ev.EvaluateProgressEvent
}
export type EventName = keyof ApiEvents
/** One key per event: leaving an event out (or naming one that does not exist) is a type error, so every
 *  event is forwarded to the renderer by construction. */
const eventKeys = {
  'engine.status': true,
  'run.progress': true,
  'queue.progress': true,
  'dataset.importProgress': true,
  'download.progress': true,
  'chat.token': true,
  'chat.compareToken': true,
  'evaluate.progress': true
} as const satisfies Record<EventName, true>
export const eventNames = Object.keys(eventKeys) as readonly EventName[]

/** What `window.api` is, in Electron and in browser mode alike. */
export type Api = {
  [D in Domain]: { [M in MethodName<D>]: (input: InputOf<D, M>) => Promise<OutputOf<D, M>> }
} & {
  on<E extends EventName>(event: E, listener: (data: ApiEvents[E]) => void): () => void
}

/** What main implements: the same methods, receiving already-validated input. */
export type ApiHandlers = {
  [D in Domain]: { [M in MethodName<D>]: (input: ParsedInputOf<D, M>) => Promise<OutputOf<D, M>> }
}

export function listChannels(): ChannelName[] {
  const out: string[] = []
  for (const domain of Object.keys(contract) as Domain[]) {
    for (const name of Object.keys(contract[domain])) out.push(`${domain}.${name}`)
  }
  return out as ChannelName[]
}

export function splitChannel(channel: string): { domain: Domain; method: string } | null {
  const dot = channel.indexOf('.')
  if (dot < 0) return null
  const domain = channel.slice(0, dot)
  const name = channel.slice(dot + 1)
  if (!Object.hasOwn(contract, domain)) return null
  if (!Object.hasOwn(contract[domain as Domain], name)) return null
  return { domain: domain as Domain, method: name }
}

export function inputSchemaOf(channel: ChannelName): z.ZodType {
  const parts = splitChannel(channel)
  if (!parts) throw new Error(`unknown channel ${channel}`)
  const specs = contract[parts.domain] as Record<string, MethodSpec<z.ZodType, unknown>>
  return specs[parts.method].input
}
