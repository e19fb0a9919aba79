// The desktop engine's supervision against a stand-in `electron`: a V8 fatal error reported on the
// UtilityProcess does not throw in main, and how the process ended (app 'child-process-gone': oom,
// crashed, killed…, or the fatal error) reaches the engine's exit, so the crash message gives the
// same kind of hint as the Node spawner's signals.
import { EventEmitter } from 'node:events'
import { PassThrough } from 'node:stream'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { crashMessage } from '../../../src/main/engine-host/crash-report'
import type { EngineExit } from '../../../src/main/engine-host/engine-spawner'
import { createUtilityEngineSpawner } from '../../../src/main/shell/utility-engine-spawner'

class FakeUtilityProcess extends EventEmitter {
  pid = 4321
  stdout = new PassThrough()
  stderr = new PassThrough()
  posted: unknown[] = []
  killed = false
  constructor(readonly options: { serviceName?: string }) {
    super()
  }
  postMessage(message: unknown) {
    this.posted.push(message)
  }
  kill() {
    this.killed = true
    return true
  }
}

const fake = vi.hoisted(() => ({ app: null as unknown as EventEmitter, children: [] as unknown[] }))

vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events')
  fake.app = new Emitter()
  return {
    app: fake.app,
    utilityProcess: {
      fork: (_entry: string, _args: string[], options: { serviceName?: string }) => {
        const child = new FakeUtilityProcess(options)
        fake.children.push(child)
        return child
      }
    }
  }
})

function spawnOne() {
  const spawner = createUtilityEngineSpawner({ entry: '/opt/app/out/main/engine.js', goneGraceMs: 200 })
  const handle = spawner.spawn()
  const child = fake.children.at(-1) as FakeUtilityProcess
  const exits: EngineExit[] = []
  handle.onExit((exit) => exits.push(exit))
  return { handle, child, exits }
}

function gone(child: FakeUtilityProcess, reason: string, exitCode: number, type = 'Utility') {
  fake.app.emit(
    'child-process-gone',
    {},
    { type, reason, exitCode, serviceName: 'node.mojom.NodeService', name: child.options.serviceName }
  )
}

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

afterEach(() => {
  fake.children.length = 0
  fake.app.removeAllListeners()
})

describe('utility engine spawner', () => {
  it("listens for the UtilityProcess 'error' (a V8 fatal error) and reports it with the exit", async () => {
    const { child, exits } = spawnOne()
    expect(child.listenerCount('error')).toBe(1)
    expect(() =>
      child.emit(
        'error',
        'FatalError',
        'Reached heap limit Allocation failed - JavaScript heap out of memory',
        '{}'
      )
    ).not.toThrow()
    child.emit('exit', 133)
    await tick(250)
    expect(exits).toEqual([
      {
        code: 133,
        signal: null,
        reason: 'fatal-error',
        detail: 'Reached heap limit Allocation failed - JavaScript heap out of memory'
      }
    ])
    expect(crashMessage(exits[0], ['training'], '')).toBe(
      'The engine process stopped on a V8 fatal error (exit code 133) while running training. ' +
        'It ran out of memory: lower the batch size or the max length, or close other programs. ' +
        'V8 said: "Reached heap limit Allocation failed - JavaScript heap out of memory". ' +
        'The next request starts a fresh engine.'
    )
  })

  it("takes the reason from app 'child-process-gone' when it comes before the exit", () => {
    const { child, exits } = spawnOne()
    gone(child, 'oom', 9)
    expect(exits).toEqual([])
    child.emit('exit', 9)
    expect(exits).toEqual([{ code: 9, signal: null, reason: 'oom' }])
    expect(crashMessage(exits[0], ['training'], 'step 12')).toBe(
      'The engine process ran out of memory (exit code 9) while running training. ' +
        'It ran out of memory: lower the batch size or the max length, or close other programs. ' +
        'Its last output: "step 12". The next request starts a fresh engine.'
    )
  })

  it('waits a moment after an unclean exit for the reason, and goes on without one', async () => {
    const first = spawnOne()
    first.child.emit('exit', 11)
    expect(first.exits).toEqual([])
    await tick(50)
    gone(first.child, 'crashed', 11)
    expect(first.exits).toEqual([{ code: 11, signal: null, reason: 'crashed' }])
    expect(crashMessage(first.exits[0], [], '')).toMatch(
      /^The engine process crashed \(exit code 11\) while idle\. A native library crashed/
    )

    const second = spawnOne()
    second.child.emit('exit', 3)
    await tick(250)
    expect(second.exits).toEqual([{ code: 3, signal: null }])
  })

  it('ignores other processes, a clean exit needs no reason, and a kill of ours ends at once', () => {
    const a = spawnOne()
    const b = spawnOne()
    expect(a.child.options.serviceName).not.toBe(b.child.options.serviceName)
    gone(b.child, 'oom', 9, 'GPU')
    gone(a.child, 'killed', 15)
    a.child.emit('exit', 15)
    expect(a.exits).toEqual([{ code: 15, signal: null, reason: 'killed' }])

    b.child.emit('exit', 0)
    expect(b.exits).toEqual([{ code: 0, signal: null }])

    const c = spawnOne()
    c.handle.kill()
    expect(c.child.killed).toBe(true)
    c.child.emit('exit', 15)
    expect(c.exits).toEqual([{ code: 15, signal: null }])
  })
})
