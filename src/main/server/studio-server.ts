// Browser mode: one node:http server that serves the built renderer and, on the same port, the
// API over WebSocket. Loopback by default; every request needs the per-start access token. A
// malformed request, upgrade or frame is answered (400, or the WebSocket close code) and logged;
// it never reaches the process, so a training run the server drives goes on.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { WebSocketServer } from 'ws'
import {
  MAX_SOCKET_MESSAGE_BYTES,
  SOCKET_PATH,
  SOCKET_SUBPROTOCOL,
  TOKEN_PARAM
} from '../../shared/socket-protocol'
import type { ApiRouter } from '../api-router'
import { contentSecurityPolicy, withoutMetaPolicy } from '../content-security-policy'
import { checkToken, createAccessToken, tokenCookie } from './access-token'
import { allowedHostHeaders, isAllowedHost, isSameOrigin } from './host-guard'
import { attachSocketSession, type ApiEventSource } from './socket-session'
import { resolveStaticPath, sendStaticFile } from './static-files'

export const DEFAULT_PORT = 5719

export interface StudioServerOptions {
  router: ApiRouter
  events: ApiEventSource
  /** The built renderer (out/web). */
  webRoot: string
  /** Default 127.0.0.1. */
  host?: string
  /** Default 5719; 0 picks a free port. */
  port?: number
  /** Default: a fresh random token. */
  token?: string
  /** Where failures of one connection are logged (default: console.error). */
  logError?: (message: string) => void
}

export interface StudioServer {
  readonly host: string
  readonly port: number
  readonly token: string
  /** The address to open, token included. */
  readonly url: string
  close(): Promise<void>
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host
}

function securityHeaders(csp: string): Record<string, string> {
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Cache-Control': 'no-store'
  }
}

function refuse(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' })
  res.end(`${message}\n`)
}

function refuseUpgrade(socket: Duplex, status: number, reason: string, message: string): void {
  const body = `${message}\n`
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
  )
}

/** The request's URL, or null when its target cannot be parsed (e.g. `GET http://[ HTTP/1.1`). */
function requestUrl(req: IncomingMessage): URL | null {
  try {
    return new URL(req.url ?? '/', 'http://localhost')
  } catch {
    return null
  }
}

const badTarget = (req: IncomingMessage) =>
  `LoRA Studio could not read the address "${String(req.url).slice(0, 200)}" of this request.`

function listen(server: ReturnType<typeof createServer>, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolvePromise, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') {
        reject(
          new Error(
            `Port ${port} on ${host} is already in use: stop the other program, or pass --port 0 for a free port.`
          )
        )
      } else if (err.code === 'EADDRNOTAVAIL') {
        reject(new Error(`Cannot listen on ${host}: it is not an address of this machine. Check --host.`))
      } else reject(err)
    }
    server.once('error', onError)
    server.listen(port, host, () => {
      server.off('error', onError)
      resolvePromise(server.address() as AddressInfo)
    })
  })
}

export async function startStudioServer(options: StudioServerOptions): Promise<StudioServer> {
  const host = options.host ?? '127.0.0.1'
  const token = options.token ?? createAccessToken()
  const logError = options.logError ?? ((message: string) => console.error(message))
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_SOCKET_MESSAGE_BYTES,
    handleProtocols: (protocols) => (protocols.has(SOCKET_SUBPROTOCOL) ? SOCKET_SUBPROTOCOL : false)
  })
  let port = options.port ?? DEFAULT_PORT
  let allowedHosts: Set<string> | null = null
  let headers: Record<string, string> = {}

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!isAllowedHost(req.headers.host, allowedHosts)) {
      refuse(
        res,
        421,
        `LoRA Studio answers only at http://${urlHost(host)}:${port}/ (this request named host "${req.headers.host ?? ''}").`
      )
      return
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD')
      refuse(
        res,
        405,
        `LoRA Studio serves files with GET only; the API is on the WebSocket at ${SOCKET_PATH}.`
      )
      return
    }
    const url = requestUrl(req)
    if (!url) {
      refuse(res, 400, badTarget(req))
      return
    }
    const auth = checkToken(req, url, port, token)
    if (!auth.ok) {
      refuse(res, auth.status, auth.message)
      return
    }
    const file = resolveStaticPath(options.webRoot, url.pathname)
    if (!file) {
      refuse(res, 400, `LoRA Studio refused the path "${url.pathname}": it leaves the web folder.`)
      return
    }
    const extra: Record<string, string> = url.searchParams.has(TOKEN_PARAM)
      ? { 'Set-Cookie': tokenCookie(port, token) }
      : {}
    // The page's <meta> policy is the desktop app's; here the header alone, with the exact socket, applies.
    const sent = await sendStaticFile(
      res,
      file,
      { ...headers, ...extra },
      req.method === 'HEAD',
      withoutMetaPolicy
    )
    if (!sent) refuse(res, 404, `LoRA Studio has no file at "${url.pathname}".`)
  }

  function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = requestUrl(req)
    if (!url) {
      refuseUpgrade(socket, 400, 'Bad Request', badTarget(req))
      return
    }
    if (url.pathname !== SOCKET_PATH) {
      refuseUpgrade(socket, 404, 'Not Found', `LoRA Studio's WebSocket is at ${SOCKET_PATH}.`)
      return
    }
    if (!isAllowedHost(req.headers.host, allowedHosts)) {
      refuseUpgrade(
        socket,
        421,
        'Misdirected Request',
        `LoRA Studio answers only at ${urlHost(host)}:${port}.`
      )
      return
    }
    if (!isSameOrigin(req.headers.origin, req.headers.host)) {
      refuseUpgrade(
        socket,
        403,
        'Forbidden',
        `LoRA Studio refuses WebSocket connections from pages of ${req.headers.origin}.`
      )
      return
    }
    const auth = checkToken(req, url, port, token)
    if (!auth.ok) {
      refuseUpgrade(socket, auth.status, auth.status === 401 ? 'Unauthorized' : 'Forbidden', auth.message)
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => attachSocketSession(ws, options))
  }

  const server = createServer((req, res) => {
    handleRequest(req, res).catch((err: unknown) => {
      if (!res.headersSent) refuse(res, 500, `LoRA Studio failed to serve this file: ${String(err)}`)
      else res.destroy()
    })
  })
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Node hands over the raw socket without its error listener: a peer resetting it mid-refusal
    // would otherwise throw an uncaught ECONNRESET. ws adds its own once it takes the socket.
    socket.on('error', () => socket.destroy())
    try {
      handleUpgrade(req, socket, head)
    } catch (err) {
      logError(`LoRA Studio refused a WebSocket upgrade that failed unexpectedly: ${String(err)}`)
      if (socket.writable)
        refuseUpgrade(socket, 500, 'Internal Server Error', 'LoRA Studio could not open the socket.')
      else socket.destroy()
    }
  })

  const address = await listen(server, port, host)
  port = address.port
  allowedHosts = allowedHostHeaders(host, port)
  headers = securityHeaders(contentSecurityPolicy({ connectSrc: [`ws://${urlHost(host)}:${port}`] }))
  const displayHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host

  return {
    host,
    port,
    token,
    url: `http://${urlHost(displayHost)}:${port}/?${TOKEN_PARAM}=${token}`,
    close() {
      for (const client of wss.clients) client.close(1001, 'LoRA Studio is shutting down')
      wss.close()
      return new Promise((resolvePromise) => {
        server.close(() => resolvePromise())
        server.closeAllConnections()
      })
    }
  }
}
