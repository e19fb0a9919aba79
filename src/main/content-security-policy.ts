// The one Content-Security-Policy of the renderer. Its <meta> form sits in src/renderer/index.html
// (a test keeps the two equal): the only policy a file:// page gets in the packaged app, which talks
// over IPC and opens no socket. The header form adds frame-ancestors (a <meta> cannot carry it) and
// the sockets of a mode: the browser-mode server sends it with its exact ws:// address and serves
// index.html without the <meta> (not every browser counts a same-origin ws: as 'self'); the
// Electron shell sends it for the dev server's pages. A file:// page needs no frame-ancestors: web
// pages cannot frame file:// URLs, and the app's window neither navigates nor opens windows.
export interface CspOptions {
  /** Extra connect-src sources: the browser-mode socket, the dev server's HMR socket. */
  connectSrc?: string[]
  /** The <meta> form: without frame-ancestors, which browsers ignore (with an error) there. */
  forMeta?: boolean
}

export function contentSecurityPolicy(options: CspOptions = {}): string {
  const connect = ["'self'", ...(options.connectSrc ?? [])].join(' ')
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src ${connect}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    ...(options.forMeta ? [] : ["frame-ancestors 'none'"])
  ].join('; ')
}

/** The page without its <meta http-equiv="Content-Security-Policy">, for a server that sends the header. */
export function withoutMetaPolicy(html: string): string {
  return html.replace(/[ \t]*<meta\s+http-equiv="Content-Security-Policy"[^>]*>[ \t]*\r?\n?/gi, '')
}
