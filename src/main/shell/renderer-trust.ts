// Decides whether a URL belongs to our own renderer: the file:// of the built index.html, or the
// dev server's origin during `npm run dev`. IPC calls from any other page are refused.
import { fileURLToPath } from 'node:url'
import { posix, win32 } from 'node:path'
import { httpUrl } from '../http-url'

export type RendererSource = { kind: 'file'; indexPath: string } | { kind: 'dev'; url: string }

function samePath(a: string, b: string, platform: NodeJS.Platform): boolean {
  return platform === 'win32' || platform === 'darwin' ? a.toLowerCase() === b.toLowerCase() : a === b
}

export function isTrustedRendererUrl(
  url: string,
  source: RendererSource,
  platform: NodeJS.Platform = process.platform
): boolean {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return false
  }
  if (source.kind === 'dev') {
    const dev = new URL(source.url)
    return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.origin === dev.origin
  }
  if (parsed.protocol !== 'file:' || (parsed.host !== '' && parsed.host !== 'localhost')) return false
  parsed.hash = ''
  parsed.search = ''
  let path: string
  try {
    path = fileURLToPath(parsed, { windows: platform === 'win32' })
  } catch {
    return false
  }
  const paths = platform === 'win32' ? win32 : posix
  return samePath(paths.resolve(path), paths.resolve(source.indexPath), platform)
}

/** Links the app may hand to the system browser: plain http(s) with a host and no credentials. */
export function isSafeExternalUrl(url: string): boolean {
  const parsed = httpUrl(url)
  return parsed !== null && parsed.hostname !== '' && !parsed.username && !parsed.password
}
