// The app shell in a real browser: `lora-studio serve` on a free port with a fresh data folder,
// Debian's Chromium through playwright-core. Navigation, Settings with the backend and its reason,
// the language switch surviving a reload, the token rules, and field-level errors over the socket.
import { request as httpRequest } from 'node:http'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeSession, openSession, shot, type Served, type Session } from './e2e-harness'
import { upgradeStatus } from '../support/server-probes'

function httpStatus(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolvePromise, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path }, (res) => {
      let body = ''
      res.on('data', (chunk: Buffer) => (body += chunk.toString()))
      res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

const views = [
  { key: 'datasets', en: 'Datasets', zh: '数据集' },
  { key: 'train', en: 'Train', zh: '训练' },
  { key: 'runs', en: 'Runs', zh: '训练记录' },
  { key: 'chat', en: 'Chat', zh: '对话' },
  { key: 'models', en: 'Models', zh: '模型' },
  { key: 'settings', en: 'Settings', zh: '设置' }
] as const

describe('app shell in browser mode', () => {
  let session: Session
  let served: Served
  let page: Page

  beforeAll(async () => {
    session = await openSession()
    served = session.served
    page = session.page
  })

  afterAll(async () => {
    await closeSession(session)
  })

  it('opens the app from the printed address and takes the token out of the address bar', async () => {
    expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{32}$/)
    await page.goto(served.url)
    await expect.poll(() => page.locator('h1').textContent()).toBe('Datasets')
    expect(page.url()).not.toContain('token=')
    expect(page.url()).toMatch(/#\/datasets$/)
    await expect
      .poll(() => page.locator('nav a[aria-current="page"]').getAttribute('data-nav'))
      .toBe('datasets')
    await shot(page, '01-open')
  })

  it('navigates to every view with the links of the left navigation', async () => {
    for (const view of views) {
      await page.locator(`nav a[data-nav="${view.key}"]`).click()
      await expect.poll(() => page.locator('h1').textContent()).toBe(view.en)
      expect(page.url()).toMatch(new RegExp(`#/${view.key}$`))
      expect(await page.locator('nav a[aria-current="page"]').getAttribute('data-nav')).toBe(view.key)
      expect(await page.title()).toBe(`${view.en} — LoRA Studio`)
      if (view.key !== 'settings') await shot(page, `02-${view.key}`)
    }
  })

  it('works from the keyboard: skip link, focusable navigation, focus moved to the new page', async () => {
    await page.locator('nav a[data-nav="datasets"]').click()
    await page.reload()
    await expect.poll(() => page.locator('h1').textContent()).toBe('Datasets')
    await page.keyboard.press('Tab')
    expect(await page.evaluate<string>('document.activeElement?.textContent?.trim()')).toBe('Skip to content')
    await page.keyboard.press('Tab')
    expect(await page.evaluate<string>('document.activeElement?.getAttribute("data-nav")')).toBe('datasets')
    await page.keyboard.press('Tab')
    await page.keyboard.press('Tab')
    expect(await page.evaluate<string>('document.activeElement?.getAttribute("data-nav")')).toBe('runs')
    await shot(page, '02-keyboard-focus')
    await page.keyboard.press('Enter')
    await expect.poll(() => page.evaluate<string>('document.activeElement?.tagName')).toBe('H1')
    expect(await page.locator('h1').textContent()).toBe('Runs')
  })

  it('shows the backend "wasm" and the reason for it on Settings', async () => {
    await page.locator('nav a[data-nav="settings"]').click()
    const backend = page.getByTestId('backend-name')
    await backend.waitFor({ timeout: 120_000 })
    expect(await backend.textContent()).toBe('wasm')
    const reason = (await page.getByTestId('backend-reason').textContent()) ?? ''
    expect(reason).toMatch(/wasm/i)
    expect(reason.length).toBeGreaterThan(10)
    expect(await page.getByTestId('data-dir').textContent()).toBe(served.dataDir)
    expect(await page.getByTestId('database-size').textContent()).toMatch(/^\d[\d,.]* (B|KiB|MiB)$/)
    await expect.poll(() => page.locator('.engine-line').textContent()).toContain('Ready')
    await shot(page, '03-settings')
  })

  it('switches the whole UI to Chinese, and it stays Chinese after a reload', async () => {
    await page.locator('label', { hasText: '简体中文' }).click()
    await expect.poll(() => page.locator('h1').textContent()).toBe('设置')
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN')
    for (const view of views) {
      expect(await page.locator(`nav a[data-nav="${view.key}"]`).textContent()).toContain(view.zh)
    }
    await shot(page, '04-settings-zh')

    await page.reload()
    await expect.poll(() => page.locator('h1').textContent()).toBe('设置')
    await page.locator('nav a[data-nav="runs"]').click()
    await expect.poll(() => page.locator('h1').textContent()).toBe('训练记录')
    expect(await page.title()).toBe('训练记录 — LoRA Studio')
    await shot(page, '05-runs-zh-after-reload')
  })

  it('follows the theme setting', async () => {
    await page.locator('nav a[data-nav="settings"]').click()
    await page.locator('label', { hasText: '深色' }).click()
    await expect.poll(() => page.locator('html').getAttribute('data-theme')).toBe('dark')
    await page.getByTestId('backend-name').waitFor()
    await shot(page, '06-settings-dark-zh')
    await page.locator('label', { hasText: 'English' }).click()
    await expect.poll(() => page.locator('h1').textContent()).toBe('Settings')
    await page.locator('nav a[data-nav="train"]').click()
    await expect.poll(() => page.locator('h1').textContent()).toBe('Train')
    await shot(page, '07-train-dark')
    await page.locator('nav a[data-nav="settings"]').click()
    await page.locator('label', { hasText: 'Light' }).click()
    await expect.poll(() => page.locator('html').getAttribute('data-theme')).toBe('light')
  })

  it('refuses requests and sockets without the token', async () => {
    const origin = `http://127.0.0.1:${served.port}`
    const page401 = await httpStatus(served.port, '/')
    expect(page401.status).toBe(401)
    expect(page401.body).toMatch(/access token/)
    expect((await httpStatus(served.port, '/?token=wrong')).status).toBe(403)
    expect(await upgradeStatus(`ws://127.0.0.1:${served.port}/api`, origin)).toBe(401)
    expect(await upgradeStatus(`ws://127.0.0.1:${served.port}/api?token=wrong`, origin)).toBe(403)

    const stranger = await session.browser.newPage()
    const response = await stranger.goto(origin + '/')
    expect(response?.status()).toBe(401)
    expect(await stranger.locator('body').textContent()).toMatch(/access token/)
    await shot(stranger, '08-no-token-refused')
    await stranger.close()
  })

  it('answers an invalid payload over the socket with the offending field', async () => {
    // Runs in the page (a string, so nothing of this Node module is captured): the browser's own
    // WebSocket, authenticated with the token the app keeps for this tab.
    const script = `(async () => {
      const token = sessionStorage.getItem('lora-studio.token')
      const ws = new WebSocket('ws://' + location.host + '/api?token=' + token)
      await new Promise((ok, fail) => { ws.onopen = ok; ws.onerror = fail })
      const reply = new Promise((ok) => { ws.onmessage = (event) => ok(String(event.data)) })
      ws.send(JSON.stringify({ id: 41, channel: 'settings.update', payload: { language: 'fr', extra: 1 } }))
      const text = await reply
      ws.close()
      return text
    })()`
    const answer = JSON.parse(await page.evaluate<string>(script)) as {
      id: number
      result: { ok: boolean; error: { code: string; issues: { path: string }[] } }
    }
    expect(answer.id).toBe(41)
    expect(answer.result.ok).toBe(false)
    expect(answer.result.error.code).toBe('invalid_input')
    expect(answer.result.error.issues.map((i) => i.path).sort()).toEqual(['extra', 'language'])
  })

  it('logged no page errors or CSP violations', () => {
    expect(session.pageErrors).toEqual([])
  })
})
