// The Models view in a real browser: the empty state, the tiny demo model with its parameter count,
// a Hub download from a loopback stand-in (progress with speed, cancel, resume), an import error
// naming config.json, Chinese, and delete after asking.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRandomGpt2Folder } from '../../src/engine/model-factory'
import { startFakeHub, type FakeHub } from '../integration/fake-hub'
import { tallShot, useSession } from './e2e-harness'

describe('models in browser mode', () => {
  const session = useSession()
  let page: Page
  let hub: FakeHub
  let folder: string

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'lora-studio-e2e-models-'))
    await createRandomGpt2Folder(join(folder, 'repo'), {
      nLayer: 1,
      nEmbd: 32,
      nHead: 2,
      nPositions: 64,
      seed: 9
    })
    mkdirSync(join(folder, 'empty'))
    hub = await startFakeHub({ repos: { 'studio-test/e2e-gpt2': { dir: join(folder, 'repo') } } })
    page = session.page
  })

  afterAll(async () => {
    await hub?.close()
    if (folder) rmSync(folder, { recursive: true, force: true })
  })

  it('starts empty and creates the tiny demo model', async () => {
    await page.goto(session.served.url)
    await page.getByRole('link', { name: 'Models' }).click()
    await expect.poll(() => page.locator('h1').textContent()).toBe('Models')
    await page.getByText('No models yet').waitFor()
    await tallShot(page, 'models-01-empty')
    await page.getByTestId('empty-create-demo').click()
    await page.getByTestId('model-table').waitFor()
    expect(await page.getByTestId('model-added').textContent()).toContain('Added tiny-demo.')
    expect(await page.locator('[data-model-id] [data-testid="model-parameters"]').textContent()).toBe(
      '3,332,928'
    )
    expect(await page.locator('[data-model-id] [data-testid="model-architecture"]').innerText()).toBe(
      '2 layers × 64, 2 heads\nvocabulary 50,257 · context 256'
    )
    // What chatting with it takes, in the engine on its backend, at a prompt filling the context.
    await expect
      .poll(() => page.locator('[data-model-id] [data-testid="model-memory"]').textContent(), {
        timeout: 60_000
      })
      .toMatch(
        /^Chatting with it needs about \d[\d.,]* MiB on \w+ at a 256-token prompt: weights 25\.\d MiB, KV cache 256 KiB/
      )
    await tallShot(page, 'models-02-demo')
  })

  it('shows the whole text of the demo size choice, its details beside it (MiB, as everywhere)', async () => {
    const fit = `(() => {
      const select = document.querySelector('[data-testid="demo-size"]')
      const style = getComputedStyle(select)
      const ctx = document.createElement('canvas').getContext('2d')
      ctx.font = style.fontWeight + ' ' + style.fontSize + ' ' + style.fontFamily
      const text = select.options[select.selectedIndex].text
      const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 20
      return { text, fits: ctx.measureText(text).width <= room }
    })()`
    const viewport = page.viewportSize() ?? { width: 1280, height: 800 }
    try {
      for (const width of [1280, 1024]) {
        await page.setViewportSize({ width, height: viewport.height })
        for (const size of ['tiny', 'small-test']) {
          await page.getByTestId('demo-size').selectOption(size)
          const shown = await page.evaluate<{ text: string; fits: boolean }>(fit)
          expect({ width, ...shown }).toEqual({ width, text: shown.text, fits: true })
        }
      }
      await page.getByTestId('demo-size').selectOption('tiny')
      expect(await page.getByTestId('demo-size-detail').textContent()).toBe(
        '3.3 M parameters, about 14 MiB on disk'
      )
    } finally {
      await page.setViewportSize(viewport)
    }
  })

  it('downloads from the endpoint with progress, cancels, and resumes', async () => {
    hub.stallAfter('model.safetensors', 1_000_000)
    await page.getByTestId('repo-id').fill('studio-test/e2e-gpt2')
    await page.getByTestId('endpoint').fill(hub.url)
    await page.getByTestId('download').click()
    const progress = page.getByTestId('download-progress')
    await expect
      .poll(() => progress.textContent(), { timeout: 15_000 })
      .toMatch(/File 6 of 6: model\.safetensors/)
    await expect.poll(() => progress.getAttribute('data-state')).toBe('downloading')
    await tallShot(page, 'models-03-downloading')
    await page.getByTestId('cancel-download').click()
    await expect.poll(() => progress.textContent()).toContain('Cancelled — download again to resume')
    expect(await page.getByTestId('download-error').count()).toBe(0)
    await page.getByTestId('download').click()
    await expect.poll(() => progress.getAttribute('data-state'), { timeout: 15_000 }).toBe('completed')
    const cdn = hub.requests.filter((r) => r.path.startsWith('/cdn/')).map((r) => r.range)
    // The second request resumes where the cancelled one stopped (at most the 1,000,000 bytes sent).
    expect(cdn).toHaveLength(2)
    expect(cdn[0]).toBeNull()
    const resumedAt = Number(/^bytes=(\d+)-$/.exec(cdn[1] ?? '')?.[1])
    expect(resumedAt).toBeGreaterThan(0)
    expect(resumedAt).toBeLessThanOrEqual(1_000_000)
    await page.locator('[data-model-id]', { hasText: 'studio-test--e2e-gpt2' }).waitFor()
    await tallShot(page, 'models-04-downloaded')
  })

  it('shows the service error when a folder has no config.json', async () => {
    await page.getByTestId('import-path').fill(join(folder, 'empty'))
    await page.getByTestId('import-folder').click()
    await expect.poll(() => page.getByTestId('import-error').textContent()).toContain('no config.json')
  })

  it('reads in Chinese and deletes a model after asking', async () => {
    await page.getByRole('link', { name: 'Settings' }).click()
    await page.locator('label', { hasText: '简体中文' }).click()
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('zh-CN')
    await page.getByRole('link', { name: '模型' }).click()
    await expect.poll(() => page.locator('h1').textContent()).toBe('模型')
    await page.getByRole('button', { name: '删除 tiny-demo' }).click()
    const dialog = page.locator('dialog[open]')
    await expect.poll(() => dialog.textContent()).toContain('删除 tiny-demo？')
    await tallShot(page, 'models-05-delete-zh')
    await page.getByTestId('confirm-delete').click()
    await expect.poll(() => page.locator('[data-model-id]').count()).toBe(1)
    expect(session.pageErrors).toEqual([])
  })
})
