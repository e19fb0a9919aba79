// Electron hardening for every window: no navigation away from the app, no new windows (http(s)
// links go to the system browser after a check), no permissions beyond writing the clipboard,
// no <webview>, and the app's Content-Security-Policy on every response.
import { app, shell, type Session, type WebContents } from 'electron'
import { contentSecurityPolicy } from '../content-security-policy'
import { isSafeExternalUrl } from './renderer-trust'

const ALLOWED_PERMISSIONS = new Set(['clipboard-sanitized-write'])

function openExternally(url: string): void {
  if (!isSafeExternalUrl(url)) return
  shell.openExternal(url).catch((err: unknown) => {
    console.error(`LoRA Studio could not open ${url} in the browser: ${String(err)}`)
  })
}

function hardenContents(contents: WebContents): void {
  contents.setWindowOpenHandler(({ url }) => {
    openExternally(url)
    return { action: 'deny' }
  })
  contents.on('will-navigate', (event) => {
    event.preventDefault()
    openExternally(event.url)
  })
  contents.on('will-redirect', (event) => {
    if (event.isMainFrame) event.preventDefault()
  })
  contents.on('will-attach-webview', (event) => event.preventDefault())
}

/** Call once, before the first window: applies to every web contents created afterwards. */
export function hardenApp(): void {
  app.on('web-contents-created', (_event, contents) => hardenContents(contents))
}

/** CSP header and permission policy for a session; `devServerUrl` adds the dev server's HMR socket. */
export function hardenSession(session: Session, devServerUrl?: string): void {
  const connectSrc: string[] = []
  if (devServerUrl) {
    const dev = new URL(devServerUrl)
    connectSrc.push(`ws://${dev.host}`, dev.origin)
  }
  const csp = contentSecurityPolicy({ connectSrc })
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } })
  })
  session.setPermissionRequestHandler((_contents, permission, callback) =>
    callback(ALLOWED_PERMISSIONS.has(permission))
  )
  session.setPermissionCheckHandler((_contents, permission) => ALLOWED_PERMISSIONS.has(permission))
}
