// A real engine process forked under Node: ping and systemInfo answer, a job past its time limit is
// rejected and the next one runs, `kill -9` mid-call is reported as a crash naming the signal and the
// job, and the next call starts a fresh engine.
import { afterAll, describe, expect, it } from 'vitest'
import { EngineHost } from '../../src/main/engine-host/engine-host'
import { createNodeEngineSpawner } from '../../src/main/engine-host/node-engine-spawner'
import type { EngineStatusEvent } from '../../src/shared/system'
import { ServiceError } from '../../src/shared/errors'

const statuses: EngineStatusEvent[] = []
const host = new EngineHost({
  spawner: createNodeEngineSpawner({ env: { LORA_STUDIO_BACKEND: undefined } }),
  onStatus: (status) => statuses.push(status)
})

afterAll(async () => {
  await host.shutdown()
})

describe('EngineHost with a forked engine', () => {
  it('answers ping from the engine process, not this one', async () => {
    const pong = await host.call('ping', {})
    expect(pong.pong).toBe(true)
    expect(pong.pid).not.toBe(process.pid)
    expect(pong.pid).toBe(host.pid)
    expect(statuses.map((s) => s.state)).toEqual(['starting', 'ready'])
  })

  it('reports the backend the engine chose, with its reason', async () => {
    const info = await host.call('systemInfo', {})
    expect(info.backend.name).toBe('wasm')
    expect(info.backend.reason).toMatch(
      /^tfjs-node-gpu not installed; webgpu skipped: mesa software \(llvmpipe: [^]*, slower than wasm; set LORA_STUDIO_BACKEND=webgpu to use it anyway; tfjs-node not installed; using wasm \(SIMD\)$/
    )
    expect(info.tfjsVersion).toBe('4.22.0')
    expect(info.memory.rssBytes).toBeGreaterThan(10_000_000)
  })

  it('routes progress events to the caller and cancels a job through its AbortSignal', async () => {
    const controller = new AbortController()
    const events: string[] = []
    const call = host.call(
      'sleep',
      { ms: 60_000 },
      {
        signal: controller.signal,
        onEvent: (message) => {
          events.push(message.event === 'log' ? message.data.message : message.event)
          controller.abort()
        }
      }
    )
    await expect(call).rejects.toMatchObject({
      code: 'cancelled',
      message: expect.stringMatching(/^sleep was cancelled after \d+ ms$/)
    })
    expect(events).toEqual(['sleeping for 60000 ms'])
    expect(host.state).toBe('ready')
  })

  it('rejects a job past its time limit and runs the next one on the same engine', async () => {
    const pid = host.pid
    const started = Date.now()
    await expect(host.call('sleep', { ms: 60_000 }, { timeoutMs: 300 })).rejects.toMatchObject({
      code: 'engine_error',
      message:
        'The test wait took longer than its limit of 300 ms and was stopped; try again, and if it keeps happening, restart LoRA Studio.'
    })
    expect(Date.now() - started).toBeLessThan(5000)
    const pong = await host.call('ping', {})
    expect(pong.pid).toBe(pid)
    expect(host.state).toBe('ready')
  })

  it('reports kill -9 mid-call as a crash with the signal, then starts a fresh engine', async () => {
    const firstPid = host.pid as number
    expect(firstPid).toBeGreaterThan(0)
    const inFlight = host.call('sleep', { ms: 60_000 }, { onEvent: () => process.kill(firstPid, 'SIGKILL') })
    const err = await inFlight.then(
      () => null,
      (e: unknown) => e
    )
    expect(err).toBeInstanceOf(ServiceError)
    expect((err as ServiceError).code).toBe('engine_crashed')
    expect((err as ServiceError).message).toBe(
      'The engine process was killed (SIGKILL) while running sleep. It may have run out of memory or been ended ' +
        'from outside. The next request starts a fresh engine.'
    )
    expect(host.state).toBe('crashed')
    expect(statuses.at(-1)).toEqual({ state: 'crashed', message: (err as ServiceError).message })

    const pong = await host.call('ping', {})
    expect(pong.pid).not.toBe(firstPid)
    expect(host.state).toBe('ready')
    expect(statuses.slice(-2).map((s) => s.state)).toEqual(['starting', 'ready'])
  })

  it('shuts down gracefully: the engine exits and in-flight jobs are answered as cancelled', async () => {
    const pid = host.pid as number
    const call = host.call('sleep', { ms: 60_000 }, { onEvent: () => void host.shutdown() })
    await expect(call).rejects.toMatchObject({ code: 'cancelled' })
    await expect.poll(() => host.state).toBe('stopped')
    expect(() => process.kill(pid, 0)).toThrow()
  })
})
