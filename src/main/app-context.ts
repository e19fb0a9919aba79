// Everything main needs for one data folder, built once and shared by the Electron shell, browser
// mode and the CLI: the store, the engine host, the services behind the API, its router and events.
import { join } from 'node:path'
import { createApiRouter, type ApiRouter } from './api-router'
import type { ApiHandlers } from '../shared/contract'
import type { SystemInfo } from '../shared/system'
import type { RunStatusName } from '../shared/runs'
import { appVersion as packageVersion } from './app-version'
import { prepareDataDir, resolveDataDir, type DataPaths } from './data-dir'
import { EngineHost } from './engine-host/engine-host'
import type { EngineSpawner } from './engine-host/engine-spawner'
import { createNodeEngineSpawner } from './engine-host/node-engine-spawner'
import { createEventBus, type EventBus } from './event-bus'
import { createDatasetService } from './datasets/dataset-service'
import { ImportControl } from './datasets/import-control'
import { sweepImportLeftovers } from './datasets/import-leftovers'
import { createTokenizerResolver } from './datasets/model-tokenizer'
import { createTextFit } from './datasets/text-fit'
import { createSettingsService } from './services/settings-service'
import { createSystemService, type SystemServiceDeps } from './services/system-service'
import { openStore, type Store } from './store/store'
import { createBackupSchedule, type BackupSchedule } from './store/backup-schedule'
import { withDamageReport } from './store/damaged-database'
import { guardFreshStart } from './store/fresh-start-guard'
import { applyPendingRestore } from './store/pending-restore'
import { createBackupService } from './services/backup-service'
import { createRunService, type RunService } from './runs/run-service'
import { createQueueService, type QueueService } from './runs/queue-service'
import { streamTrainingSamples } from './datasets/training-samples'
import { defaultTokenizer } from './datasets/default-tokenizer'
import { modelFolderTokenizer } from './datasets/tokenizer-source'
import { createModelService } from './models/model-service'
import { createChatService, type ChatService } from './chat/chat-service'
import { createEvaluationService, type EvaluationService } from './evaluate/evaluation-service'

export interface AppContextOptions {
  /** The data folder; default LORA_STUDIO_HOME, else the platform's (see data-dir.ts). */
  dataDir?: string
  mode: SystemInfo['mode']
  /** How engine processes start; default child_process.fork of the engine source through tsx. */
  engineSpawner?: EngineSpawner
  appVersion?: string
  electronVersions?: { electron: string; chrome: string }
  /** The native open dialog (the desktop app passes Electron's); system.pickPaths refuses without one. */
  pickPaths?: SystemServiceDeps['pickPaths']
  /**
   * Create a new empty database even though runs/ or models/ hold data (the database was lost);
   * without it that case is refused (see store/fresh-start-guard.ts).
   */
  startFresh?: boolean
}

export interface AppContext {
  readonly dataDir: string
  readonly paths: DataPaths
  readonly mode: SystemInfo['mode']
  readonly store: Store
  readonly engine: EngineHost
  readonly handlers: ApiHandlers
  readonly router: ApiRouter
  readonly events: EventBus
  /** Training runs: the queue, and waiting for a run to end (CLI). */
  readonly runs: RunService
  /** Runs in sequence, each continuing the previous one (the CLI's train-queue). */
  readonly queues: QueueService
  /** Chats and one-off answers (the CLI's chat). */
  readonly chat: ChatService
  /** Perplexity of models and adapters (the CLI's perplexity). */
  readonly evaluation: EvaluationService
  /** Backups of studio.db: at start and after each run that ends. */
  readonly backups: BackupSchedule
  /** Cancels imports, stops the engine (gracefully, then by force) and closes the database. */
  close(): Promise<void>
}

/** A run that reaches one of these has ended: studio.db is backed up then. */
const endedStatuses: ReadonlySet<RunStatusName> = new Set(['completed', 'failed', 'stopped'])

export async function openAppContext(options: AppContextOptions): Promise<AppContext> {
  const paths = prepareDataDir(resolveDataDir(options.dataDir))
  const lastRestore = applyPendingRestore(paths)
  if (lastRestore) process.stderr.write(`lora-studio: ${lastRestore.message}\n`)
  guardFreshStart(paths, options.startFresh === true)
  const store = openStore(paths.database)
  const backups = createBackupSchedule(store, paths.backups, (err) => {
    process.stderr.write(
      `lora-studio: could not back up ${paths.database} into ${paths.backups}: ${err instanceof Error ? err.message : err}\n`
    )
  })
  void backups.atStart()
  const events = createEventBus((event, err) => {
    process.stderr.write(
      `lora-studio: a listener of ${event} failed: ${err instanceof Error ? err.message : err}\n`
    )
  })
  events.on('run.progress', ({ status, metric, checkpoint }) => {
    if (!metric && !checkpoint && endedStatuses.has(status)) void backups.request()
  })
  const engine = new EngineHost({
    spawner: options.engineSpawner ?? createNodeEngineSpawner(),
    onStatus: (status) => events.emit('engine.status', status)
  })
  const models = createModelService({
    store,
    modelsDir: paths.models,
    emitProgress: (event) => events.emit('download.progress', event),
    estimateInference: (path) => engine.call('estimateInference', { baseModel: path })
  })
  const tokenizerFor = createTokenizerResolver(store.db)
  const runs = createRunService({
    store,
    registerMerged: (dir, name) => models.registerMerged(dir, name),
    engine,
    events,
    runsDir: paths.runs,
    datasetSamples: async (id, baseModel) =>
      streamTrainingSamples(store.db, id, await modelFolderTokenizer(baseModel)),
    textFit: createTextFit(store, tokenizerFor)
  })
  runs.recoverInterrupted()
  const queues = createQueueService({
    store,
    runs: runs.handlers,
    runSettled: (id) => runs.settled(id),
    events
  })
  queues.recoverInterrupted()
  // What an import killed mid-way left (its spool files, its unpublished dataset) is removed here,
  // unless the process that owns it still runs (a second instance importing into this folder).
  await sweepImportLeftovers(store.db, join(paths.root, 'tmp'))
  const imports = new ImportControl()
  // Building GPT-2's tokenizer is ~0.3 s of synchronous work (vocabulary JSON, merge ranks); with a UI
  // it happens here, before any window or socket is served, not on main while a run starts. If it
  // cannot be built, the import or run that needs it reports why.
  if (options.mode !== 'cli') await defaultTokenizer().catch(() => undefined)
  const chat = createChatService({ store, engine, events, runsDir: paths.runs })
  const evaluation = createEvaluationService({ store, engine, events, runsDir: paths.runs })
  const handlers: ApiHandlers = withDamageReport(
    {
      system: createSystemService({
        store,
        engine,
        mode: options.mode,
        dataDir: paths.root,
        appVersion: options.appVersion ?? packageVersion,
        electronVersions: options.electronVersions,
        pickPaths: options.pickPaths
      }),
      settings: createSettingsService(store.settings),
      backups: createBackupService(paths, lastRestore),
      runs: runs.handlers,
      queues: queues.handlers,
      models: models.handlers,
      chat: chat.handlers,
      evaluate: evaluation.handlers,
      datasets: createDatasetService({
        db: store.db,
        dataDir: paths.root,
        tokenizerFor,
        emit: (event, data) => events.emit(event, data),
        imports
      })
    },
    store.path
  )
  let closing: Promise<void> | null = null
  return {
    dataDir: paths.root,
    paths,
    mode: options.mode,
    store,
    engine,
    handlers,
    router: createApiRouter(handlers),
    events,
    runs,
    queues,
    chat,
    evaluation,
    backups,
    close() {
      models.cancelAll()
      // Before the runs stop: a queue whose run stops for the quit is paused, not stopped.
      queues.shutdown()
      closing ??= Promise.all([runs.shutdown(), chat.shutdown(), imports.cancelAll()])
        .then(() => undefined)
        .finally(() => engine.shutdown())
        .finally(() => backups.idle())
        .finally(() => store.close())
      return closing
    }
  }
}
