// Runs the jobs main asks for: one handler per job name, an AbortController per request so main
// can cancel it, and every failure answered as an ApiErrorPayload. Later jobs (training,
// generation) add handlers in src/engine/jobs/ and list them in jobs/index.ts.
import {
  jobWords,
  type EngineEventMessage,
  type EngineEventName,
  type EngineEvents,
  type EngineJobName,
  type EngineJobs,
  type EngineRequest,
  type MainToEngine
} from '../shared/engine-protocol'
import { ServiceError, type ApiErrorPayload } from '../shared/errors'
import type { EngineTransport } from './engine-transport'

/** What a running job gets besides its input. */
export interface JobContext {
  /** The request id, as main knows it. */
  readonly id: number
  /** Aborted when main cancels this request or the engine shuts down. */
  readonly signal: AbortSignal
  /** Reports progress to whoever called this job (EngineHost.call's onEvent). */
  emit<E extends EngineEventName>(event: E, data: EngineEvents[E]): void
}

export type JobHandler<J extends EngineJobName> = (
  input: EngineJobs[J]['input'],
  context: JobContext
) => Promise<EngineJobs[J]['output']>

/** Exactly one handler per job in EngineJobs: a new job that has none fails the typecheck. */
export type JobHandlers = { [J in EngineJobName]: JobHandler<J> }

/** What the job was, in words: a job that is not listed keeps its name. */
function jobLabel(job: string): string {
  return Object.hasOwn(jobWords, job) ? jobWords[job as EngineJobName] : `The job "${job}"`
}

export function engineErrorPayload(err: unknown, job: string): ApiErrorPayload {
  if (err instanceof ServiceError) {
    return { code: err.code, message: err.message, issues: err.issues.length ? err.issues : undefined }
  }
  if (err instanceof Error && err.name === 'AbortError') {
    return { code: 'cancelled', message: err.message || `${jobLabel(job)} was cancelled` }
  }
  const message = err instanceof Error ? err.message : String(err)
  return { code: 'engine_error', message: `${jobLabel(job)} failed: ${message}` }
}

function isMainToEngine(value: unknown): value is MainToEngine {
  if (typeof value !== 'object' || value === null) return false
  const kind = (value as { kind?: unknown }).kind
  return kind === 'request' || kind === 'cancel' || kind === 'shutdown'
}

export interface JobRunner {
  /** Resolves once a shutdown request has been handled and every job has answered (or the wait ran out). */
  readonly shutdownRequested: Promise<void>
  /** Aborts every running job and waits for their answers, at most `waitMs`: a stuck job never keeps the engine alive. */
  abortAll(waitMs?: number): Promise<void>
}

/** How long abortAll waits for aborted jobs (a training run writes its checkpoint in that time). */
export const ABORT_WAIT_MS = 60_000

export function startJobRunner(transport: EngineTransport, handlers: JobHandlers): JobRunner {
  const running = new Map<number, { controller: AbortController; done: Promise<void> }>()
  let resolveShutdown: () => void = () => undefined
  const shutdownRequested = new Promise<void>((resolve) => (resolveShutdown = resolve))

  async function run(request: EngineRequest, controller: AbortController): Promise<void> {
    const context: JobContext = {
      id: request.id,
      signal: controller.signal,
      emit: (event, data) =>
        transport.send({ kind: 'event', id: request.id, event, data } as EngineEventMessage)
    }
    try {
      const handler = handlers[request.job] as JobHandler<EngineJobName>
      if (!handler) throw new ServiceError('unknown_method', `The engine has no job named "${request.job}"`)
      const result = await handler(request.input, context)
      transport.send({ kind: 'response', id: request.id, ok: true, result })
    } catch (err) {
      transport.send({
        kind: 'response',
        id: request.id,
        ok: false,
        error: engineErrorPayload(err, request.job)
      })
    } finally {
      running.delete(request.id)
    }
  }

  async function abortAll(waitMs = ABORT_WAIT_MS): Promise<void> {
    const jobs = [...running.values()]
    for (const job of jobs) job.controller.abort()
    let timer: ReturnType<typeof setTimeout> | undefined
    const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs)))
    await Promise.race([Promise.allSettled(jobs.map((job) => job.done)), waited])
    clearTimeout(timer)
  }

  transport.onMessage((message) => {
    if (!isMainToEngine(message)) return
    if (message.kind === 'request') {
      if (running.has(message.id)) return
      const controller = new AbortController()
      const entry = { controller, done: Promise.resolve() }
      running.set(message.id, entry)
      entry.done = run(message, controller)
    } else if (message.kind === 'cancel') {
      running.get(message.id)?.controller.abort()
    } else {
      void abortAll().then(resolveShutdown)
    }
  })

  return { shutdownRequested, abortAll }
}
