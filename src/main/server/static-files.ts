// Serves the built renderer (out/web) to browser mode: only files inside the web root, with their
// content types; any path that escapes the root (.., encoded separators, NUL) is refused.
import { createReadStream } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import type { ServerResponse } from 'node:http'
import { extname, isAbsolute, join, relative, resolve } from 'node:path'

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8'
}

export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream'
}

/** The file a URL path names inside root, or null when the path is malformed or leaves the root. */
export function resolveStaticPath(root: string, urlPath: string): string | null {
  let decoded: string
  try {
    decoded = decodeURIComponent(urlPath)
  } catch {
    return null
  }
  if (!decoded.startsWith('/') || decoded.includes('\0') || decoded.includes('\\')) return null
  const relativePath = decoded === '/' ? 'index.html' : decoded.slice(1)
  if (relativePath.split('/').some((segment) => segment === '..')) return null
  const base = resolve(root)
  const full = resolve(join(base, relativePath))
  const rel = relative(base, full)
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return null
  return full
}

/**
 * Sends the file, or returns false (nothing sent) when it does not exist or is not a file. An HTML
 * page goes through `rewriteHtml` when given (pages are small; everything else is streamed).
 */
export async function sendStaticFile(
  res: ServerResponse,
  file: string,
  headers: Record<string, string>,
  headOnly: boolean,
  rewriteHtml?: (html: string) => string
): Promise<boolean> {
  let size: number
  try {
    const info = await stat(file)
    if (!info.isFile()) return false
    size = info.size
  } catch {
    return false
  }
  const type = contentTypeOf(file)
  if (rewriteHtml && type.startsWith('text/html')) {
    const body = Buffer.from(rewriteHtml(await readFile(file, 'utf8')))
    res.writeHead(200, { ...headers, 'Content-Type': type, 'Content-Length': String(body.length) })
    res.end(headOnly ? undefined : body)
    return true
  }
  res.writeHead(200, { ...headers, 'Content-Type': type, 'Content-Length': String(size) })
  if (headOnly) {
    res.end()
    return true
  }
  const stream = createReadStream(file)
  stream.on('error', () => res.destroy())
  stream.pipe(res)
  return true
}
