// The browser-mode access token: random per start, accepted from the URL query, from the cookie
// set when the page was opened with it, or from a WebSocket subprotocol; compared in constant time.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { TOKEN_PARAM, TOKEN_SUBPROTOCOL_PREFIX } from '../../shared/socket-protocol'

export function createAccessToken(): string {
  return randomBytes(24).toString('base64url')
}

export function tokensEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest()
  const b = createHash('sha256').update(expected).digest()
  return timingSafeEqual(a, b)
}

/** Per port, so two servers on one machine (different ports, same host) keep separate cookies. */
export function tokenCookieName(port: number): string {
  return `lora_studio_${port}`
}

export function tokenCookie(port: number, token: string): string {
  return `${tokenCookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`
}

export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>()
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=')
    if (eq <= 0) continue
    cookies.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim())
  }
  return cookies
}

export type TokenSource = 'query' | 'cookie' | 'subprotocol'

export interface PresentedToken {
  token: string
  source: TokenSource
}

/** Every token the request presents, most explicit first (a stale cookie must not hide a fresh URL). */
export function presentedTokens(req: IncomingMessage, url: URL, port: number): PresentedToken[] {
  const found: PresentedToken[] = []
  const fromQuery = url.searchParams.get(TOKEN_PARAM)
  if (fromQuery) found.push({ token: fromQuery, source: 'query' })
  const protocols = String(req.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((p) => p.trim())
  for (const protocol of protocols) {
    if (protocol.startsWith(TOKEN_SUBPROTOCOL_PREFIX)) {
      found.push({ token: protocol.slice(TOKEN_SUBPROTOCOL_PREFIX.length), source: 'subprotocol' })
    }
  }
  const fromCookie = parseCookies(req.headers.cookie).get(tokenCookieName(port))
  if (fromCookie) found.push({ token: fromCookie, source: 'cookie' })
  return found
}

export type TokenCheck = { ok: true; source: TokenSource } | { ok: false; status: 401 | 403; message: string }

export function checkToken(req: IncomingMessage, url: URL, port: number, expected: string): TokenCheck {
  const presented = presentedTokens(req, url, port)
  if (presented.length === 0) {
    return {
      ok: false,
      status: 401,
      message:
        'LoRA Studio needs its access token: open the full address printed where the server was started (it ends in ?token=...).'
    }
  }
  const match = presented.find((p) => tokensEqual(p.token, expected))
  if (match) return { ok: true, source: match.source }
  return {
    ok: false,
    status: 403,
    message:
      'LoRA Studio refused this access token; it changes every time the server starts. Open the address the running server printed.'
  }
}
