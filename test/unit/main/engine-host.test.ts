// EngineHost's supervision logic against a scripted stand-in engine (no process): exit before
// ready, crash by exit code with the engine's last output, ready timeout, unsolicited events.
import { describe, expect, it } from 'vitest'
import { EngineHost } from '../../../src/main/engine-host/engine-host'
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

function setup(readyTimeoutMs = 5000) {
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
