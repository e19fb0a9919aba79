// The one Content-Security-Policy of the renderer, sent as a header by the Electron shell and the
// browser-mode server (the <meta> copy in index.html cannot carry frame-ancestors).
export interface CspOptions {
  /** Extra connect-src sources: the browser-mode socket, the dev server's HMR socket. */
  connectSrc?: string[]
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
    "frame-ancestors 'none'"
  ].join('; ')
}
