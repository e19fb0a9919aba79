// What every e2e test needs: `lora-studio serve` on a free port with a fresh data folder, Debian's
// Chromium through playwright-core, screenshots under test-output/e2e, and a clean stop afterwards.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll } from 'vitest'

export const repoRoot = resolve(import.meta.dirname, '..', '..')
export const shots = join(repoRoot, 'test-output', 'e2e')
export const chromiumPath = '/usr/bin/chromium'
const chromiumArgs = [
  '--no-sandbox',
  '--headless=new',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run'
]

export interface Served {
  url: string
  port: number
  dataDir: string
}

export function startServe(dataDir: string): Promise<{ child: ChildProcess; served: Served }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(
      process.execPath,
      ['bin/lora-studio.mjs', 'serve', '--port', '0', '--data-dir', dataDir, '--json'],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] }
    )
    let stderr = ''
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.once('exit', (code) => reject(new Error(`lora-studio serve exited with ${code}: ${stderr}`)))
    const lines = createInterface({ input: child.stdout! })
    lines.once('line', (line) => resolvePromise({ child, served: JSON.parse(line) as Served }))
  })
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true })
}

/**
 * A screenshot of the whole view: the shell scrolls inside <main>, so `fullPage` alone stops at the
 * window; the viewport grows to the content's height for the shot and is restored afterwards.
 */
export async function tallShot(page: Page, name: string): Promise<void> {
  const viewport = page.viewportSize() ?? { width: 1280, height: 800 }
  const height = await page.evaluate<number>('document.querySelector("main")?.scrollHeight ?? 0')
  await page.setViewportSize({
    width: viewport.width,
    height: Math.max(viewport.height, Math.min(height, 6000))
  })
  try {
    await shot(page, name)
  } finally {
    await page.setViewportSize(viewport)
  }
}

/** A running server and browser page; `pageErrors` collects page errors and console errors. */
export interface Session {
  dataDir: string
  server: ChildProcess
  served: Served
  browser: Browser
  page: Page
  pageErrors: string[]
}

/** Checks the prerequisites, starts the server on a fresh data folder and opens a page. */
export async function openSession(prefix = 'lora-studio-e2e-'): Promise<Session> {
  if (!existsSync(join(repoRoot, 'out', 'web', 'index.html'))) {
    throw new Error('out/web is not built: run the e2e tests with npm run test:e2e, which builds it first')
  }
  if (!existsSync(chromiumPath)) throw new Error(`${chromiumPath} is missing: apt-get install chromium`)
  mkdirSync(shots, { recursive: true })
  const dataDir = mkdtempSync(join(tmpdir(), prefix))
  let started: Awaited<ReturnType<typeof startServe>>
  try {
    started = await startServe(dataDir)
  } catch (err) {
    rmSync(dataDir, { recursive: true, force: true })
    throw err
  }
  const { child, served } = started
  const browser = await chromium
    .launch({ executablePath: chromiumPath, args: chromiumArgs })
    .catch(async (err) => {
      await closeSession({ server: child, dataDir })
      throw err
    })
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
  const pageErrors: string[] = []
  page.on('pageerror', (err) => pageErrors.push(err.message))
  page.on('console', (msg) => {
    if (msg.type() === 'error') pageErrors.push(msg.text())
  })
  return { dataDir, server: child, served, browser, page, pageErrors }
}

/**
 * The session of the describe block this is called in: opened before its tests (hooks registered after
 * this call run after it, so they can use it) and closed after them. Its fields are set from then on.
 */
export function useSession(prefix?: string): Session {
  const session = {} as Session
  beforeAll(async () => {
    Object.assign(session, await openSession(prefix))
  })
  afterAll(() => closeSession(session))
  return session
}

/** Closes the browser, stops the server and removes the data folder; safe on a half-open session. */
export async function closeSession(session: Partial<Session> | undefined): Promise<void> {
  await session?.browser?.close()
  const server = session?.server
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server.once('exit', r))
    server.kill('SIGTERM')
    await exited
  }
  if (session?.dataDir) rmSync(session.dataDir, { recursive: true, force: true })
}

/** Calls the API over a WebSocket of the page's own origin and token (the way the app does). */
export async function callApi<T>(page: Page, channel: string, payload: unknown): Promise<T> {
  const script = `(async () => {
    const token = sessionStorage.getItem('lora-studio.token')
    const ws = new WebSocket('ws://' + location.host + '/api?token=' + token)
    await new Promise((ok, fail) => { ws.onopen = ok; ws.onerror = fail })
    const reply = new Promise((ok) => {
      ws.onmessage = (event) => {
        const message = JSON.parse(String(event.data))
        if (message.id === 7) ok(String(event.data))
      }
    })
    ws.send(JSON.stringify({ id: 7, channel: ${JSON.stringify(channel)}, payload: ${JSON.stringify(payload)} }))
    const text = await reply
    ws.close()
    return text
  })()`
  const answer = JSON.parse(await page.evaluate<string>(script)) as {
    result: { ok: true; value: T } | { ok: false; error: { message: string } }
  }
  if (!answer.result.ok) throw new Error(`${channel} failed: ${answer.result.error.message}`)
  return answer.result.value
}
