// Supervises one engine process for main: starts it on the first call, routes requests, responses
// and progress events by id, turns a crash (exit code or signal) into errors for the calls in
// flight and an engine.status event, and starts a fresh engine on the next call. Every job but a
// training run has a time limit (job-limits.ts): past it the caller gets an error and the engine a
// cancel; a job that does not answer its cancel gets its engine restarted, so it never blocks the next.
import type {
  EngineEventMessage,
  EngineJobName,
  EngineJobs,
  EngineToMain,
  MainToEngine
} from '../../shared/engine-protocol'
import { isEngineToMain, jobWords } from '../../shared/engine-protocol'
import { ServiceError } from '../../shared/errors'
import type { EngineStatusEvent } from '../../shared/system'
import { crashMessage, describeExit, lastOutputLine } from './crash-report'
import { CANCEL_GRACE_MS, formatDuration, jobTimeLimitMs } from './job-limits'
import type { EngineExit, EngineHandle, EngineSpawner } from './engine-spawner'

export type EngineState = EngineStatusEvent['state']

export interface EngineHostOptions {
  spawner: EngineSpawner
  /** Every change of state: starting, ready, crashed (with the reason), stopped. */
  onStatus?: (status: EngineStatusEvent) => void
  /** Engine events not tied to a request (e.g. a fatal error logged just before a crash). */
  onEvent?: (message: EngineEventMessage) => void
  /** How long a fresh engine may take to say it is ready (default 90 s: tsx on a busy machine is slow). */
  readyTimeoutMs?: number
  /** How long a graceful shutdown may take before the engine is killed (default 10 s). */
  shutdownTimeoutMs?: number
  /** How long a cancelled job has to answer before its engine is restarted (default CANCEL_GRACE_MS). */
  cancelGraceMs?: number
}

export interface EngineCallOptions {
  /** Progress the job reports while it runs. */
  onEvent?: (message: EngineEventMessage) => void
  /**
   * Aborting asks the engine to cancel the job; the call settles with the engine's answer, or, for a
   * job with a time limit that does not answer within the grace period, with a `cancelled` error.
   */
  signal?: AbortSignal
  /** Overrides the job's time limit (jobTimeLimitMs); null for none. */
  timeoutMs?: number | null
}

interface PendingCall {
  job: EngineJobName
  resolve: (value: unknown) => void
  reject: (err: Error) => void
  onEvent?: (message: EngineEventMessage) => void
  /** Clears the call's timers and abort listener; called once it settles. */
  release: () => void
}

const outputTailChars = 4000

/** One engine process and the calls it is serving. */
class EngineSession {
  readonly pending = new Map<number, PendingCall>()
  /** Calls given up on (time limit passed), each with the timer that restarts the engine if it never answers. */
  readonly abandoned = new Map<number, ReturnType<typeof setTimeout>>()
  /** Set when main restarts this engine because a job ignored its cancel. */
  restartReason: string | null = null
  pid: number | undefined
  output = ''
  stopping = false
  exited: EngineExit | null = null
  readonly ready: Promise<void>
  readonly exitedPromise: Promise<EngineExit>

  constructor(
    readonly handle: EngineHandle,
    readyTimeoutMs: number,
    description: string
  ) {
    this.pid = handle.pid
    handle.onOutput((text) => {
      this.output = (this.output + text).slice(-outputTailChars)
    })
    this.exitedPromise = new Promise((resolve) => handle.onExit(resolve))
    this.ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new ServiceError(
            'engine_crashed',
            `The engine process (${description}) did not become ready within ${formatDuration(readyTimeoutMs)}; ` +
              'the machine may be overloaded. Try again.'
          )
        )
        handle.kill('SIGKILL')
      }, readyTimeoutMs)
      handle.onMessage((message) => {
        if (isEngineToMain(message) && message.kind === 'ready') {
          clearTimeout(timer)
          this.pid = message.pid
          resolve()
        }
      })
      handle.onExit((exit) => {
        clearTimeout(timer)
        const last = lastOutputLine(this.output)
        reject(
          new ServiceError(
            'engine_crashed',
            `The engine process (${description}) ${describeExit(exit)} before it was ready` +
              (last ? `: ${last}` : '') +
              '.'
          )
        )
      })
    })
    // Rejections are delivered to callers through start(); avoid an unhandled rejection here.
    this.ready.catch(() => undefined)
  }

  send(message: MainToEngine): void {
    this.handle.send(message)
  }
}

export class EngineHost {
  private session: EngineSession | null = null
  private nextId = 1
  private currentState: EngineState = 'stopped'

  constructor(private readonly options: EngineHostOptions) {}

  get state(): EngineState {
    return this.currentState
  }

  /** The running engine's process id, or null when none runs. */
  get pid(): number | null {
    return this.session?.pid ?? null
  }

  /** Starts the engine if none runs and waits until it is ready. */
  async start(): Promise<void> {
    const session = this.session ?? this.spawn()
    await session.ready
  }

  /** Runs one job in the engine (starting it if needed) and resolves with its result. */
  async call<J extends EngineJobName>(
    job: J,
    input: EngineJobs[J]['input'],
    options: EngineCallOptions = {}
  ): Promise<EngineJobs[J]['output']> {
    if (options.signal?.aborted)
      throw new ServiceError('cancelled', `${jobWords[job]} was cancelled before it started`)
    const session = this.session ?? this.spawn()
    await session.ready
    if (session.exited)
      throw new ServiceError(
        'engine_crashed',
        `The engine stopped before ${jobWords[job].toLowerCase()} could begin.`
      )
    if (options.signal?.aborted)
      throw new ServiceError('cancelled', `${jobWords[job]} was cancelled before it started`)
    const id = this.nextId++
    const limitMs = options.timeoutMs !== undefined ? options.timeoutMs : jobTimeLimitMs(job, input)
    const graceMs = this.options.cancelGraceMs ?? CANCEL_GRACE_MS
    return new Promise<EngineJobs[J]['output']>((resolve, reject) => {
      let limitTimer: ReturnType<typeof setTimeout> | undefined
      let graceTimer: ReturnType<typeof setTimeout> | undefined
      const onAbort = () => {
        session.send({ kind: 'cancel', id })
        if (limitMs === null) return
        graceTimer = setTimeout(() => {
          if (!session.pending.delete(id)) return
          call.release()
          const why = `${jobWords[job]} did not stop within ${formatDuration(graceMs)} of being cancelled`
          reject(new ServiceError('cancelled', `Cancelled: ${why}, so the engine was restarted.`))
          this.restart(session, why)
        }, graceMs)
      }
      const call: PendingCall = {
        job,
        resolve: resolve as (value: unknown) => void,
        reject,
        onEvent: options.onEvent,
        release: () => {
          clearTimeout(limitTimer)
          clearTimeout(graceTimer)
          options.signal?.removeEventListener('abort', onAbort)
        }
      }
      options.signal?.addEventListener('abort', onAbort, { once: true })
      if (limitMs !== null) {
        limitTimer = setTimeout(() => {
          if (!session.pending.delete(id)) return
          call.release()
          session.send({ kind: 'cancel', id })
          reject(
            new ServiceError(
              'engine_error',
              `${jobWords[job]} took longer than its limit of ${formatDuration(limitMs)} and was stopped; try again, ` +
                'and if it keeps happening, restart LoRA Studio.'
            )
          )
          this.abandon(session, id, job, graceMs)
        }, limitMs)
      }
      session.pending.set(id, call)
      session.send({ kind: 'request', id, job, input } as MainToEngine)
    })
  }

  /** Waits for a timed-out job's late answer; if none comes within the grace period, restarts the engine. */
  private abandon(session: EngineSession, id: number, job: EngineJobName, graceMs: number): void {
    const timer = setTimeout(() => {
      session.abandoned.delete(id)
      this.restart(session, `${job} did not stop within ${formatDuration(graceMs)} of being cancelled`)
    }, graceMs)
    session.abandoned.set(id, timer)
  }

  /**
   * Replaces an engine that a stuck job holds: the next call starts a fresh one. An engine training a
   * run is left alone (its run has its own stop); the stuck job's answer is ignored if it ever comes.
   */
  private restart(session: EngineSession, why: string): void {
    if (session.exited || session.restartReason !== null) return
    if ([...session.pending.values()].some((call) => call.job === 'train')) return
    session.restartReason = why
    if (this.session === session) this.session = null
    session.handle.kill('SIGKILL')
  }

  /** Asks the engine to finish (jobs are cancelled and answer), then kills it if it takes too long. */
  async shutdown(): Promise<void> {
    const session = this.session
    if (!session) return
    session.stopping = true
    const timeoutMs = this.options.shutdownTimeoutMs ?? 10_000
    session.send({ kind: 'shutdown' })
    const timer = setTimeout(() => session.handle.kill('SIGKILL'), timeoutMs)
    await session.exitedPromise
    clearTimeout(timer)
  }

  private setState(state: EngineState, message?: string): void {
    this.currentState = state
    this.options.onStatus?.(message === undefined ? { state } : { state, message })
  }

  private spawn(): EngineSession {
    this.setState('starting')
    let handle: EngineHandle
    try {
      handle = this.options.spawner.spawn()
    } catch (err) {
      const message = `The engine could not be started: ${err instanceof Error ? err.message : String(err)}`
      this.setState('crashed', message)
      throw new ServiceError('engine_crashed', message)
    }
    const session = new EngineSession(
      handle,
      this.options.readyTimeoutMs ?? 90_000,
      this.options.spawner.description
    )
    this.session = session
    handle.onMessage((message) => {
      if (isEngineToMain(message)) this.route(session, message)
    })
    handle.onExit((exit) => this.onExit(session, exit))
    session.ready.then(
      () => {
        if (this.session === session && !session.exited) this.setState('ready')
      },
      () => undefined
    )
    return session
  }

  private route(session: EngineSession, message: EngineToMain): void {
    if (message.kind === 'response') {
      const late = session.abandoned.get(message.id)
      if (late !== undefined) {
        clearTimeout(late)
        session.abandoned.delete(message.id)
      }
      const call = session.pending.get(message.id)
      if (!call) return
      session.pending.delete(message.id)
      call.release()
      if (message.ok) call.resolve(message.result)
      else call.reject(new ServiceError(message.error.code, message.error.message, message.error.issues))
    } else if (message.kind === 'event') {
      const call = message.id === null ? undefined : session.pending.get(message.id)
      if (call) call.onEvent?.(message)
      else this.options.onEvent?.(message)
    }
  }

  private onExit(session: EngineSession, exit: EngineExit): void {
    session.exited = exit
    if (this.session === session) this.session = null
    const jobs = [...session.pending.values()]
    session.pending.clear()
    for (const timer of session.abandoned.values()) clearTimeout(timer)
    session.abandoned.clear()
    if (session.stopping) {
      for (const call of jobs) {
        call.release()
        call.reject(
          new ServiceError('cancelled', `${jobWords[call.job]} was stopped because the engine shut down.`)
        )
      }
      this.setState('stopped')
      return
    }
    if (session.restartReason !== null) {
      const message = `The engine was restarted because ${session.restartReason}; try again.`
      for (const call of jobs) {
        call.release()
        call.reject(new ServiceError('engine_crashed', message))
      }
      if (this.session === null) this.setState('stopped', message)
      return
    }
    const message = crashMessage(
      exit,
      jobs.map((call) => call.job),
      session.output
    )
    for (const call of jobs) {
      call.release()
      call.reject(new ServiceError('engine_crashed', message))
    }
    this.setState('crashed', message)
  }
}
