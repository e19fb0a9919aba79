// Checks the Host and Origin of browser-mode requests: on loopback only our own loopback names are
// answered (a defence against DNS rebinding), and the socket accepts only pages served by us.
import { httpUrl } from '../http-url'

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]']

export function isLoopbackHost(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '::1' || host.startsWith('127.')
}

/** The Host header values this server answers to, or null for any (bound beyond loopback). */
export function allowedHostHeaders(bindHost: string, port: number): Set<string> | null {
  if (!isLoopbackHost(bindHost)) return null
  const names = new Set(LOOPBACK_NAMES)
  names.add(bindHost.includes(':') ? `[${bindHost}]` : bindHost)
  return new Set([...names].map((name) => `${name}:${port}`))
}

export function isAllowedHost(hostHeader: string | undefined, allowed: Set<string> | null): boolean {
  if (!hostHeader) return false
  return allowed === null || allowed.has(hostHeader.toLowerCase())
}

/**
 * A WebSocket upgrade is accepted from a page of this same server (Origin equal to http(s)://Host),
 * or from a client that sends no Origin at all (not a browser: it still needs the token).
 */
export function isSameOrigin(origin: string | undefined, hostHeader: string | undefined): boolean {
  if (origin === undefined) return true
  if (!hostHeader) return false
  const parsed = httpUrl(origin)
  return parsed !== null && parsed.host.toLowerCase() === hostHeader.toLowerCase()
}
