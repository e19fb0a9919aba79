// EngineHost's supervision logic against a scripted stand-in engine (no process): exit before
// ready, crash by exit code with the engine's last output, ready timeout, unsolicited events.
import { describe, expect, it } from 'vitest'
import { EngineHost } from '../../../src/main/engine-host/engine-host'
import { jobTimeLimitMs } from '../../../src/main/engine-host/job-limits'
import type { EngineExit, EngineHandle, EngineSpawner } from '../../../src/main/engine-host/engine-spawner'
import type { EngineToMain, MainToEngine } from '../../../src/shared/engine-protocol'
import type { EngineStatusEvent } from '../../../src/shared/system'

class FakeEngine implements EngineHandle {
  readonly pid = 4242
  readonly received: MainToEngine[] = []
  private messageListeners: ((m: unknown) => void)[] = []
  private exitListeners: ((e: EngineExit) => void)[] = []
  private outputListeners: ((t: string) => void)[] = []
  killedWith: NodeJS.Signals | null = null

  send(message: MainToEngine): void {
    this.received.push(message)
  }
  onMessage(listener: (m: unknown) => void): void {
    this.messageListeners.push(listener)
  }
  onExit(listener: (e: EngineExit) => void): void {
    this.exitListeners.push(listener)
  }
  onOutput(listener: (t: string) => void): void {
    this.outputListeners.push(listener)
  }
  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    this.killedWith = signal
    this.exit({ code: null, signal })
  }
  say(message: EngineToMain): void {
    for (const l of this.messageListeners) l(message)
  }
  print(text: string): void {
    for (const l of this.outputListeners) l(text)
  }
  exit(exit: EngineExit): void {
    for (const l of this.exitListeners) l(exit)
  }
}

function setup(readyTimeoutMs = 5000, cancelGraceMs = 10_000) {
  const engines: FakeEngine[] = []
  const statuses: EngineStatusEvent[] = []
  const unsolicited: unknown[] = []
  const spawner: EngineSpawner = {
    description: 'fake engine',
    spawn() {
      const engine = new FakeEngine()
      engines.push(engine)
      return engine
    }
  }
  const host = new EngineHost({
    spawner,
    readyTimeoutMs,
    cancelGraceMs,
    onStatus: (s) => statuses.push(s),
    onEvent: (e) => unsolicited.push(e)
  })
  return { host, engines, statuses, unsolicited }
}

const tick = () => new Promise((resolve) => setImmediate(resolve))

describe('EngineHost supervision', () => {
  it('reports an engine that exits before it is ready, with its last output', async () => {
    const { host, engines, statuses } = setup()
    const call = host.call('ping', {})
    await tick()
    engines[0].print('loading…\nError: Cannot find module ./jobs\n')
    engines[0].exit({ code: 1, signal: null })
    await expect(call).rejects.toMatchObject({
      code: 'engine_crashed',
      message:
        'The engine process (fake engine) exited with code 1 before it was ready: Error: Cannot find module ./jobs.'
    })
    expect(statuses.map((s) => s.state)).toEqual(['starting', 'crashed'])
  })

  it('fails the calls in flight when the engine exits with a code, quoting its last output', async () => {
    const { host, engines, statuses, unsolicited } = setup()
    const started = host.start()
    engines[0].say({ kind: 'ready', pid: 4242 })
    await started
    expect(host.pid).toBe(4242)
    const a = host.call('systemInfo', {})
    const b = host.call('sleep', { ms: 1000 })
    await tick()
    expect(engines[0].received.map((m) => m.kind === 'request' && m.job)).toEqual(['systemInfo', 'sleep'])
    engines[0].say({
      kind: 'event',
      id: null,
      event: 'log',
      data: { level: 'error', message: 'out of memory' }
    })
    engines[0].print('Aborted()\n')
    engines[0].exit({ code: 7, signal: null })
    const expected =
      'The engine process exited with code 7 while running systemInfo, sleep. Its last output: "Aborted()". ' +
      'The next request starts a fresh engine.'
    await expect(a).rejects.toMatchObject({ code: 'engine_crashed', message: expected })
    await expect(b).rejects.toMatchObject({ code: 'engine_crashed', message: expected })
    expect(statuses.at(-1)).toEqual({ state: 'crashed', message: expected })
    expect(unsolicited).toHaveLength(1)
  })

  it('kills an engine that never becomes ready and says so', async () => {
    const { host, engines } = setup(50)
    await expect(host.call('ping', {})).rejects.toMatchObject({
      code: 'engine_crashed',
      message:
        'The engine process (fake engine) did not become ready within 50 ms; the machine may be overloaded. Try again.'
    })
    expect(engines[0].killedWith).toBe('SIGKILL')
  })

  it('passes an engine error through with its code', async () => {
    const { host, engines } = setup()
    const call = host.call('ping', {})
    engines[0].say({ kind: 'ready', pid: 4242 })
    await tick()
    const request = engines[0].received[0]
    expect(request.kind).toBe('request')
    const id = request.kind === 'request' ? request.id : -1
    engines[0].say({
      kind: 'response',
      id,
      ok: false,
      error: { code: 'not_found', message: 'No model "x".' }
    })
    await expect(call).rejects.toMatchObject({ code: 'not_found', message: 'No model "x".' })
  })
})

/** Starts the fake engine and returns it once ready. */
async function readyEngine(host: EngineHost, engines: FakeEngine[]): Promise<FakeEngine> {
  const started = host.start()
  engines.at(-1)!.say({ kind: 'ready', pid: 4242 })
  await started
  return engines.at(-1)!
}

/** The id of the last request the engine got, and its answer. */
function lastRequest(engine: FakeEngine): number {
  const request = engine.received.filter((m) => m.kind === 'request').at(-1)
  return request?.kind === 'request' ? request.id : -1
}

const sleepFor = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('EngineHost time limits and cancel', () => {
  it('rejects a job past its time limit, cancels it in the engine, and runs the next job', async () => {
    const { host, engines } = setup()
    const engine = await readyEngine(host, engines)
    const slow = host.call('sleep', { ms: 10 }, { timeoutMs: 50 })
    await tick()
    const id = lastRequest(engine)
    await expect(slow).rejects.toMatchObject({
      code: 'engine_error',
      message:
        'The test wait took longer than its limit of 50 ms and was stopped; try again, and if it keeps happening, restart LoRA Studio.'
    })
    expect(engine.received.at(-1)).toEqual({ kind: 'cancel', id })
    // The cancelled job answers late: ignored, and the same engine runs the next job.
    engine.say({
      kind: 'response',
      id,
      ok: false,
      error: { code: 'cancelled', message: 'sleep was cancelled' }
    })
    const next = host.call('ping', {})
    await tick()
    engine.say({
      kind: 'response',
      id: lastRequest(engine),
      ok: true,
      result: { pong: true, pid: 4242, uptimeMs: 1 }
    })
    await expect(next).resolves.toMatchObject({ pong: true })
    expect(engines).toHaveLength(1)
    expect(engine.killedWith).toBe(null)
  })

  it('restarts an engine whose timed-out job ignores its cancel, so the next job runs on a fresh one', async () => {
    const { host, engines, statuses } = setup(5000, 50)
    const engine = await readyEngine(host, engines)
    const other = host.call('estimateRun', {} as never).catch((err: unknown) => err)
    const stuck = host.call('exportAdapter', {} as never, { timeoutMs: 30 })
    await expect(stuck).rejects.toMatchObject({ code: 'engine_error' })
    await sleepFor(120)
    expect(engine.killedWith).toBe('SIGKILL')
    expect(await other).toMatchObject({
      code: 'engine_crashed',
      message:
        'The engine was restarted because exportAdapter did not stop within 50 ms of being cancelled; try again.'
    })
    expect(statuses.at(-1)?.state).toBe('stopped')
    const next = host.call('ping', {})
    await tick()
    expect(engines).toHaveLength(2)
    engines[1].say({ kind: 'ready', pid: 4343 })
    await tick()
    engines[1].say({
      kind: 'response',
      id: lastRequest(engines[1]),
      ok: true,
      result: { pong: true, pid: 4343, uptimeMs: 1 }
    })
    await expect(next).resolves.toMatchObject({ pid: 4343 })
  })

  it('settles a cancelled job that never answers as cancelled after the grace period', async () => {
    const { host, engines } = setup(5000, 40)
    const engine = await readyEngine(host, engines)
    const controller = new AbortController()
    const call = host.call('generate', {} as never, { signal: controller.signal })
    await tick()
    controller.abort()
    expect(engine.received.at(-1)).toEqual({ kind: 'cancel', id: lastRequest(engine) })
    await expect(call).rejects.toMatchObject({
      code: 'cancelled',
      message:
        'Cancelled: Writing the answer did not stop within 40 ms of being cancelled, so the engine was restarted.'
    })
    expect(engine.killedWith).toBe('SIGKILL')
  })

  it('leaves an engine that is training a run alone', async () => {
    const { host, engines } = setup(5000, 20)
    const engine = await readyEngine(host, engines)
    void host.call('train', {} as never).catch(() => undefined)
    await expect(host.call('dryRun', {} as never, { timeoutMs: 20 })).rejects.toMatchObject({
      code: 'engine_error'
    })
    await sleepFor(80)
    expect(engine.killedWith).toBe(null)
    expect(engines).toHaveLength(1)
  })

  it('never sends a job whose caller aborted while the engine was starting', async () => {
    const { host, engines } = setup()
    const controller = new AbortController()
    const call = host.call('sleep', { ms: 10 }, { signal: controller.signal })
    controller.abort()
    engines.at(-1)!.say({ kind: 'ready', pid: 4242 })
    await expect(call).rejects.toMatchObject({ code: 'cancelled' })
    expect(engines.at(-1)!.received.filter((m) => m.kind === 'request')).toEqual([])
  })

  it('gives every job but a training run a limit', () => {
    expect(jobTimeLimitMs('train', {} as never)).toBe(null)
    expect(jobTimeLimitMs('exportAdapter', {} as never)).toBe(30 * 60_000)
    expect(jobTimeLimitMs('sleep', { ms: 1000 })).toBe(31_000)
    expect(jobTimeLimitMs('ping', {})).toBe(30_000)
  })
})
