// One bad client never ends the browser-mode server: malformed WebSocket frames (after a real,
// token-carrying upgrade) close that connection with the RFC 6455 code and a log line, malformed
// HTTP requests and upgrades are answered 400, a throwing handler or an unserialisable answer is
// contained to its call; and through all of it the same server answers the next client and a
// training run it was driving goes on to completion.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import type { AppContext } from '../../src/main/app-context'
import { createApiRouter, type ApiRouter } from '../../src/main/api-router'
import { startStudioServer, type StudioServer } from '../../src/main/server/studio-server'
import { Rng } from '../../src/engine/generation/rng'
import type { ApiEvents, ApiHandlers } from '../../src/shared/contract'
import type { RunProgressEvent } from '../../src/shared/runs'
import { MAX_SOCKET_MESSAGE_BYTES } from '../../src/shared/socket-protocol'
import { announcedFrame, malformedFrames, sendRaw, upgradeRequest } from './raw-websocket'
import { manualEvents } from '../support/server-probes'
import { openWasmContext } from './tiny-training'

/** Opens a well-behaved client and makes one call: proof that the server still answers. */
async function callOnce(server: StudioServer, channel: string, payload: unknown = {}): Promise<unknown> {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api?token=${server.token}`)
  try {
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve())
      ws.once('error', reject)
    })
    const answer = new Promise<unknown>((resolve) =>
      ws.on('message', (data) => {
        const message = JSON.parse(String(data)) as { id?: number }
        if (message.id === 1) resolve(message)
      })
    )
    ws.send(JSON.stringify({ id: 1, channel, payload }))
    return await answer
  } finally {
    ws.close()
  }
}

describe('browser-mode server under malformed input', () => {
  let dir: string
  let server: StudioServer
  const logged: string[] = []
  const events = manualEvents()
  const handlers = { settings: { get: async () => ({ language: 'en', theme: 'system' }) } }
  const router = createApiRouter(handlers as unknown as ApiHandlers)
  // A router that fails in the ways a real one should not, to prove the session contains them.
  const faulty: ApiRouter = {
    call(channel, payload) {
      if (channel === 'test.throws') throw new Error('the handler threw synchronously')
      if (channel === 'test.rejects') return Promise.reject(new Error('the handler rejected'))
      if (channel === 'test.bigint') return Promise.resolve({ ok: true, value: 10n })
      return router.call(channel, payload)
    }
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lora-studio-containment-'))
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>LoRA Studio</title>')
    server = await startStudioServer({
      router: faulty,
      events,
      webRoot: dir,
      port: 0,
      logError: (message) => logged.push(message)
    })
  })

  afterAll(async () => {
    await server?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  for (const { name, frame, code, log } of malformedFrames) {
    it(`closes the connection on ${name} with ${code}, logs it, and answers the next client`, async () => {
      logged.length = 0
      const answer = await sendRaw(
        server.port,
        upgradeRequest(server.port, `/api?token=${server.token}`),
        frame
      )
      expect(answer.statusLine).toBe('HTTP/1.1 101 Switching Protocols')
      expect(answer.closeCode).toBe(code)
      expect(logged).toHaveLength(1)
      expect(logged[0]).toMatch(
        /^LoRA Studio closed a WebSocket connection \(close code \d+\) after a malformed message/
      )
      expect(logged[0]).toMatch(log)
      expect(logged[0]).toContain(`(close code ${code})`)
      expect(await callOnce(server, 'settings.get')).toEqual({
        id: 1,
        result: { ok: true, value: { language: 'en', theme: 'system' } }
      })
    })
  }

  it(`refuses a message over ${MAX_SOCKET_MESSAGE_BYTES / 1024 / 1024} MiB with 1009 at its header`, async () => {
    const answer = await sendRaw(
      server.port,
      upgradeRequest(server.port, `/api?token=${server.token}`),
      announcedFrame(MAX_SOCKET_MESSAGE_BYTES + 1),
      3000
    )
    expect(answer.closeCode).toBe(1009)
    expect(MAX_SOCKET_MESSAGE_BYTES).toBe(4 * 1024 * 1024)
  })

  it('answers a malformed request target with 400 on HTTP and on the upgrade, and keeps serving', async () => {
    logged.length = 0
    const upgrade = await sendRaw(server.port, upgradeRequest(server.port, 'http://['))
    expect(upgrade.statusLine).toBe('HTTP/1.1 400 Bad Request')
    const page = await sendRaw(
      server.port,
      `GET http://[ HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nConnection: close\r\n\r\n`
    )
    expect(page.statusLine).toBe('HTTP/1.1 400 Bad Request')
    const garbage = await sendRaw(server.port, 'NOT HTTP AT ALL\r\n\r\n')
    expect(garbage.statusLine).toBe('HTTP/1.1 400 Bad Request')
    const badVersion = await sendRaw(
      server.port,
      upgradeRequest(server.port, `/api?token=${server.token}`).replace('Version: 13', 'Version: 99')
    )
    expect(badVersion.statusLine).toBe('HTTP/1.1 400 Bad Request')
    const noKey = await sendRaw(
      server.port,
      upgradeRequest(server.port, `/api?token=${server.token}`).replace(/Sec-WebSocket-Key: .*\r\n/, '')
    )
    expect(noKey.statusLine).toBe('HTTP/1.1 400 Bad Request')
    expect(await callOnce(server, 'settings.get')).toMatchObject({ id: 1, result: { ok: true } })
  })

  it('contains a throwing handler, a rejected call and an unserialisable answer to their call', async () => {
    logged.length = 0
    expect(await callOnce(server, 'test.throws')).toEqual({
      id: 1,
      result: { ok: false, error: { code: 'internal', message: 'Error: the handler threw synchronously' } }
    })
    expect(await callOnce(server, 'test.rejects')).toEqual({
      id: 1,
      result: { ok: false, error: { code: 'internal', message: 'Error: the handler rejected' } }
    })
    expect(await callOnce(server, 'test.bigint')).toMatchObject({
      id: 1,
      result: { ok: false, error: { code: 'internal' } }
    })
    expect(logged).toEqual([
      'LoRA Studio: test.throws failed unexpectedly: Error: the handler threw synchronously',
      'LoRA Studio: test.rejects failed unexpectedly: Error: the handler rejected',
      expect.stringMatching(/^LoRA Studio could not send the answer to test\.bigint: .*BigInt/)
    ])
    expect(await callOnce(server, 'settings.get')).toMatchObject({ id: 1, result: { ok: true } })
  })

  it('contains an event that cannot be sent: the emitter is not thrown at, the client stays connected', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api?token=${server.token}`)
    await new Promise((resolve) => ws.once('open', resolve))
    try {
      logged.length = 0
      expect(() =>
        events.emit('engine.status', {
          state: 'ready',
          message: 10n
        } as unknown as ApiEvents['engine.status'])
      ).not.toThrow()
      expect(logged).toEqual([
        expect.stringMatching(/^LoRA Studio could not send the event engine\.status: /)
      ])
      const next = new Promise((resolve) => ws.once('message', (data) => resolve(JSON.parse(String(data)))))
      events.emit('engine.status', { state: 'ready' })
      expect(await next).toEqual({ event: 'engine.status', data: { state: 'ready' } })
    } finally {
      ws.close()
    }
  })
})

describe('a training run driven by the server survives malformed frames', () => {
  const work = mkdtempSync(join(tmpdir(), 'lora-studio-containment-run-'))
  let ctx: AppContext
  let server: StudioServer
  const logged: string[] = []

  beforeAll(async () => {
    ctx = await openWasmContext(join(work, 'data'), 'browser')
    server = await startStudioServer({
      router: ctx.router,
      events: ctx.events,
      webRoot: work,
      port: 0,
      logError: (message) => logged.push(message)
    })
  })

  afterAll(async () => {
    await server?.close()
    await ctx?.close()
    rmSync(work, { recursive: true, force: true })
  })

  it('keeps training, keeps pushing progress, answers new clients, and completes', async () => {
    const model = await ctx.handlers.models.createDemo({ size: 'tiny', seed: 1 })
    const rng = new Rng(5)
    const trainFile = join(work, 'train.jsonl')
    const lines = Array.from({ length: 12 }, () =>
      JSON.stringify({ input_ids: Array.from({ length: 8 + rng.nextInt(12) }, () => rng.nextInt(999)) })
    )
    writeFileSync(trainFile, lines.join('\n') + '\n')

    // A well-behaved client watches the run over the same server the bad frames hit.
    const watcher = new WebSocket(`ws://127.0.0.1:${server.port}/api?token=${server.token}`)
    await new Promise((resolve) => watcher.once('open', resolve))
    const pushed: RunProgressEvent[] = []
    const completedPushed = new Promise<void>((resolve) =>
      watcher.on('message', (data) => {
        const message = JSON.parse(String(data)) as { event?: string; data?: RunProgressEvent }
        if (message.event !== 'run.progress' || !message.data) return
        pushed.push(message.data)
        if (message.data.status === 'completed') resolve()
      })
    )

    const firstStep = new Promise<void>((resolve) => {
      const off = ctx.events.on('run.progress', (e) => {
        if (e.metric) {
          off()
          resolve()
        }
      })
    })
    const run = await ctx.handlers.runs.start({
      name: 'under fire',
      config: {
        baseModel: model.path,
        data: { kind: 'file', path: trainFile },
        maxLength: 24,
        batchSize: 2,
        maxSteps: 12,
        saveEvery: 6,
        learningRate: 1e-2,
        lora: { r: 4, alpha: 8, dropout: 0, targetModules: ['attn.c_attn'] }
      }
    })
    await firstStep
    const pushedBefore = pushed.filter((e) => e.metric).length

    for (const { frame, code } of malformedFrames) {
      const answer = await sendRaw(
        server.port,
        upgradeRequest(server.port, `/api?token=${server.token}`),
        frame
      )
      expect(answer.closeCode).toBe(code)
    }
    expect(logged).toHaveLength(malformedFrames.length)
    expect(await ctx.handlers.runs.get({ id: run.id })).toMatchObject({ status: 'running' })
    expect(await callOnce(server, 'runs.get', { id: run.id })).toMatchObject({
      id: 1,
      result: { ok: true, value: { id: run.id } }
    })

    await ctx.runs.settled(run.id)
    await completedPushed
    const done = await ctx.handlers.runs.get({ id: run.id })
    expect(done.status).toBe('completed')
    expect(done.step).toBe(12)
    const steps = pushed.filter((e) => e.metric).map((e) => e.metric!.step)
    expect(steps.length).toBeGreaterThan(pushedBefore)
    expect(steps.at(-1)).toBe(12)
    expect(pushed.at(-1)?.status).toBe('completed')
    watcher.close()
  })
})
