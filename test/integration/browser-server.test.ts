// Browser mode's server end to end over real sockets: token rules on HTTP and on the WebSocket
// upgrade, Host/Origin checks, static files, message validation with field-level errors, pushed
// events, and the renderer's socket client (with reconnection) against it.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { createApiRouter } from '../../src/main/api-router'
import { startStudioServer, type StudioServer } from '../../src/main/server/studio-server'
import { createSocketApi, type SocketLike } from '../../src/renderer/api/socket-api'
import type { ApiHandlers } from '../../src/shared/contract'
import { ApiCallError } from '../../src/shared/errors'
import type { Settings } from '../../src/shared/system'
import { manualEvents, upgradeStatus } from '../support/server-probes'

// Only the settings domain is exercised here; the router dispatches by name.
const settings: Settings = { language: 'en', theme: 'system' }
const handlers = {
  settings: {
    get: async () => ({ ...settings }),
    update: async (patch: Partial<Settings>) => Object.assign(settings, patch)
  }
} as unknown as ApiHandlers

interface HttpAnswer {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

function openRaw(url: string, origin: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { origin })
    ws.on('open', () => resolve(ws))
    ws.on('error', reject)
  })
}

function nextMessage(ws: WebSocket): Promise<unknown> {
  return new Promise((resolve) => ws.once('message', (data) => resolve(JSON.parse(String(data)))))
}

const socketFactory = (origin: string) => (url: string) =>
  new WebSocket(url, { origin }) as unknown as SocketLike

describe('browser-mode server', () => {
  let dir: string
  let webRoot: string
  let server: StudioServer
  const events = manualEvents()

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lora-studio-server-'))
    webRoot = join(dir, 'web')
    mkdirSync(join(webRoot, 'assets'), { recursive: true })
    writeFileSync(
      join(webRoot, 'index.html'),
      `<!doctype html>\n<meta http-equiv="Content-Security-Policy" content="connect-src 'self'" />\n<title>LoRA Studio</title>`
    )
    writeFileSync(join(webRoot, 'assets', 'app.js'), 'console.log(1)')
    writeFileSync(join(dir, 'secret.txt'), 'outside the web root')
    server = await startStudioServer({ router: createApiRouter(handlers), events, webRoot, port: 0 })
  })

  afterAll(async () => {
    await server?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('prints a loopback URL with a random token', () => {
    expect(server.host).toBe('127.0.0.1')
    expect(server.port).toBeGreaterThan(0)
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`)
  })

  it('refuses pages without the token (401) or with a wrong one (403), with a one-line reason', async () => {
    const none = await get(server.port, '/')
    expect(none.status).toBe(401)
    expect(none.body).toMatch(/needs its access token.*\?token=/)
    expect(none.body.trim().split('\n')).toHaveLength(1)
    const wrong = await get(server.port, '/?token=guess')
    expect(wrong.status).toBe(403)
    const asset = await get(server.port, '/assets/app.js')
    expect(asset.status).toBe(401)
  })

  it('serves the index with the token, sets the cookie, and serves assets by that cookie', async () => {
    const page = await get(server.port, `/?token=${server.token}`)
    expect(page.status).toBe(200)
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'")
    // The page's own <meta> policy (for file:// in the desktop app) is not served: the header applies.
    expect(page.body).toBe('<!doctype html>\n<title>LoRA Studio</title>')
    expect(page.headers['content-length']).toBe(String(page.body.length))
    expect(page.headers['content-security-policy']).toContain(
      `connect-src 'self' ws://127.0.0.1:${server.port}`
    )
    const cookie = String(page.headers['set-cookie'])
    expect(cookie).toBe(`lora_studio_${server.port}=${server.token}; HttpOnly; SameSite=Strict; Path=/`)
    const asset = await get(server.port, '/assets/app.js', { cookie: cookie.split(';')[0] })
    expect(asset.status).toBe(200)
    expect(asset.headers['content-type']).toBe('text/javascript; charset=utf-8')
    expect(asset.body).toBe('console.log(1)')
    const missing = await get(server.port, '/nothing.js', { cookie: cookie.split(';')[0] })
    expect(missing.status).toBe(404)
  })

  it('never serves a file outside the web root and answers only its own host name', async () => {
    const cookie = `lora_studio_${server.port}=${server.token}`
    const escaped = await get(server.port, '/..%2fsecret.txt', { cookie })
    expect(escaped.status).toBe(400)
    expect(escaped.body).not.toContain('outside the web root')
    // The URL parser folds %2e%2e into the root itself, so this one looks for /secret.txt inside it.
    const folded = await get(server.port, '/%2e%2e/secret.txt', { cookie })
    expect(folded.status).toBe(404)
    expect(folded.body).not.toContain('outside the web root')
    const rebinding = await get(server.port, `/?token=${server.token}`, {
      host: `evil.example:${server.port}`
    })
    expect(rebinding.status).toBe(421)
  })

  it('refuses the socket without the token, with a wrong one, and from another origin', async () => {
    const base = `ws://127.0.0.1:${server.port}/api`
    const origin = `http://127.0.0.1:${server.port}`
    expect(await upgradeStatus(base, origin)).toBe(401)
    expect(await upgradeStatus(`${base}?token=guess`, origin)).toBe(403)
    expect(await upgradeStatus(`${base}?token=${server.token}`, 'https://evil.example')).toBe(403)
    expect(await upgradeStatus(`ws://127.0.0.1:${server.port}/other?token=${server.token}`, origin)).toBe(404)
    expect(await upgradeStatus(`${base}?token=${server.token}`, origin)).toBe(101)
    expect(await upgradeStatus(base, origin, ['lora-studio.v1', `lora-studio.token.${server.token}`])).toBe(
      101
    )
    expect(await upgradeStatus(base, origin, ['lora-studio.v1', 'lora-studio.token.guess'])).toBe(403)
  })

  it('validates every socket message and answers bad payloads with the offending field', async () => {
    const origin = `http://127.0.0.1:${server.port}`
    const ws = await openRaw(`ws://127.0.0.1:${server.port}/api?token=${server.token}`, origin)
    try {
      ws.send('not json')
      expect(await nextMessage(ws)).toMatchObject({
        id: null,
        result: { ok: false, error: { code: 'invalid_input' } }
      })

      ws.send(JSON.stringify({ id: 7, method: 'settings.get' }))
      const shape = (await nextMessage(ws)) as {
        id: number
        result: { ok: false; error: { issues: { path: string }[] } }
      }
      expect(shape.id).toBe(7)
      expect(shape.result.error.issues.map((i) => i.path).sort()).toEqual(['channel', 'method'])

      ws.send(JSON.stringify({ id: 8, channel: 'settings.update', payload: { language: 'fr' } }))
      const field = (await nextMessage(ws)) as {
        id: number
        result: { ok: false; error: { code: string; issues: { path: string }[] } }
      }
      expect(field.id).toBe(8)
      expect(field.result.error.code).toBe('invalid_input')
      expect(field.result.error.issues[0].path).toBe('language')

      ws.send(JSON.stringify({ id: 9, channel: 'nope.nothing', payload: {} }))
      expect(await nextMessage(ws)).toMatchObject({
        id: 9,
        result: { ok: false, error: { code: 'unknown_method' } }
      })
    } finally {
      ws.close()
    }
  })

  it('serves the renderer socket client: calls, typed errors and pushed events', async () => {
    const origin = `http://127.0.0.1:${server.port}`
    const client = createSocketApi({
      url: `ws://127.0.0.1:${server.port}/api?token=${server.token}`,
      createSocket: socketFactory(origin)
    })
    try {
      expect(await client.api.settings.update({ theme: 'dark' })).toEqual({ language: 'en', theme: 'dark' })
      expect(await client.api.settings.get({})).toEqual({ language: 'en', theme: 'dark' })
      const failure = await client.api.settings
        .update({ theme: 'pink' as 'dark' })
        .catch((err: unknown) => err)
      expect(failure).toBeInstanceOf(ApiCallError)
      expect((failure as ApiCallError).code).toBe('invalid_input')
      expect((failure as ApiCallError).issues[0].path).toBe('theme')

      const received = new Promise((resolve) => client.api.on('engine.status', resolve))
      events.emit('engine.status', { state: 'crashed', message: 'exit code 134' })
      expect(await received).toEqual({ state: 'crashed', message: 'exit code 134' })
      expect(client.connection.state).toBe('open')
    } finally {
      client.close()
    }
  })

  it('lets the socket client reconnect when the server comes back on the same port', async () => {
    const first = await startStudioServer({ router: createApiRouter(handlers), events, webRoot, port: 0 })
    const { port, token } = first
    const origin = `http://127.0.0.1:${port}`
    const client = createSocketApi({
      url: `ws://127.0.0.1:${port}/api?token=${token}`,
      createSocket: socketFactory(origin),
      retryInitialMs: 50,
      retryMaxMs: 200
    })
    const states: string[] = []
    client.connection.subscribe((state) => states.push(state))
    try {
      await client.api.settings.get({})
      await first.close()
      const second = await startStudioServer({
        router: createApiRouter(handlers),
        events,
        webRoot,
        port,
        token
      })
      try {
        expect((await client.api.settings.get({})).theme).toBe('dark')
        expect(states).toEqual(['open', 'reconnecting', 'open'])
      } finally {
        await second.close()
      }
    } finally {
      client.close()
    }
  })
})
