// The engine's job runner with a job that ignores its cancel: the next job still runs and answers,
// and aborting everything (shutdown, main gone) returns after the wait instead of never.
import { describe, expect, it } from 'vitest'
import type { EngineTransport } from '../../../src/engine/engine-transport'
import { startJobRunner, type JobHandlers } from '../../../src/engine/job-registry'
import type { EngineToMain } from '../../../src/shared/engine-protocol'

function fakeTransport() {
  const sent: EngineToMain[] = []
  let deliver: (message: unknown) => void = () => undefined
  const transport: EngineTransport = {
    kind: 'node-fork',
    send: (message) => sent.push(message),
    onMessage: (listener) => (deliver = listener),
    onDisconnect: () => undefined,
    close: () => undefined
  }
  return { transport, sent, deliver: (message: unknown) => deliver(message) }
}

const never = new Promise<never>(() => undefined)
const handlers = {
  ping: async () => ({ pong: true, pid: 1, uptimeMs: 0 }),
  exportAdapter: () => never
} as unknown as JobHandlers

describe('engine job runner', () => {
  it('answers the next job while one is stuck, and abortAll returns after its wait', async () => {
    const { transport, sent, deliver } = fakeTransport()
    const runner = startJobRunner(transport, handlers)
    deliver({ kind: 'request', id: 1, job: 'exportAdapter', input: {} })
    deliver({ kind: 'cancel', id: 1 })
    deliver({ kind: 'request', id: 2, job: 'ping', input: {} })
    await expect
      .poll(() => sent)
      .toEqual([{ kind: 'response', id: 2, ok: true, result: { pong: true, pid: 1, uptimeMs: 0 } }])
    const started = Date.now()
    await runner.abortAll(50)
    expect(Date.now() - started).toBeLessThan(1000)
  })
})
