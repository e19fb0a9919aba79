// The Chat page in a real browser: a tiny registered model, a chat that streams its answer and keeps it
// after a reload, a field error shown where it happens, and two targets answering side by side.
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { createRandomGpt2Folder } from '../../src/engine/model-factory'
import { writePeftAdapter } from '../../src/engine/training/peft-adapter'
import { openStore } from '../../src/main/store/store'
import { shot, useSession } from './e2e-harness'

describe('chat in browser mode', () => {
  const session = useSession('lora-studio-e2e-chat-')
  let page: Page
  let adapterDir: string
  let wideId: number

  beforeAll(async () => {
    page = session.page
    const modelDir = join(session.dataDir, 'models', 'tiny-chat')
    await createRandomGpt2Folder(modelDir, { nLayer: 1, nEmbd: 16, nHead: 2, nPositions: 64, seed: 3 })
    const store = openStore(join(session.dataDir, 'studio.db'))
    store.models.create({ name: 'tiny-chat', path: modelDir, source: 'created' })
    // A second, wider model and an adapter trained for it (PEFT names it as base_model_name_or_path).
    const wideDir = join(session.dataDir, 'models', 'tiny-wide')
    await createRandomGpt2Folder(wideDir, { nLayer: 2, nEmbd: 32, nHead: 2, nPositions: 64, seed: 4 })
    wideId = store.models.create({ name: 'tiny-wide', path: wideDir, source: 'created' }).id
    adapterDir = join(session.dataDir, 'adapters', 'wide-adapter')
    const modules = new Map<string, { a: Float32Array; b: Float32Array }>()
    for (let layer = 0; layer < 2; layer++) {
      modules.set(`h.${layer}.attn.c_attn`, {
        a: new Float32Array(2 * 32).fill(0.01),
        b: new Float32Array(96 * 2)
      })
    }
    await writePeftAdapter(adapterDir, {
      settings: { r: 2, alpha: 4, dropout: 0, targetModules: ['c_attn'], rsLora: false },
      modules,
      baseModel: 'tiny-wide'
    })
    store.close()
  })

  it('chats with the base model, streaming the answer, and keeps it after a reload', async () => {
    await page.goto(`${session.served.url}#/chat`)
    await expect.poll(() => page.locator('h1').textContent()).toBe('Chat')
    await page.getByTestId('model-0').selectOption({ label: 'tiny-chat' })
    await expect
      .poll(() => page.getByTestId('model-memory').first().textContent(), { timeout: 60_000 })
      .toMatch(/^Chatting with it needs about \d[\d.,]* MiB on \w+ at a \d+-token prompt/)
    await page.getByTestId('create-chat').click()
    await page.getByTestId('composer').fill('What is a format string bug?')
    await page.getByTestId('send').click()
    const answer = page.locator('[data-testid="messages"] li[data-role="assistant"]').first()
    await answer.waitFor({ timeout: 120_000 })
    await page.getByTestId('send').waitFor()
    const text = await answer.locator('.chat-bubble').textContent()
    expect(await answer.locator('small').textContent()).toMatch(/tokens\/s/)
    await shot(page, 'chat-01-answer')
    await page.reload()
    await page.getByText('What is a format string bug?').first().click()
    await expect.poll(() => answer.locator('.chat-bubble').textContent()).toBe(text)
    expect(session.pageErrors).toEqual([])
  })

  it('shows the field error of a setting out of range', async () => {
    await page.locator('.chat-sampling summary').click()
    await page.locator('.chat-sampling input[type="number"]').first().fill('9')
    await page.getByTestId('composer').fill('again')
    await page.getByTestId('send').click()
    // In words, once: under the field, not again in a banner; gone once the field is fixed.
    const fieldError = page.locator('.chat-sampling .field-error').first()
    await expect.poll(() => fieldError.textContent()).toBe('Temperature must be 5 or less')
    expect(await page.getByTestId('chat-error').count()).toBe(0)
    await page.locator('.chat-sampling input[type="number"]').first().fill('0')
    await expect.poll(() => fieldError.textContent()).toBe('')
  })

  it("follows the adapter's base, names a misfit when chosen, and Compare's default second slot answers", async () => {
    await page.getByTestId('new-chat').click()
    expect(await page.getByTestId('chat-error').count()).toBe(0)
    await page.getByTestId('adapter-kind-0').selectOption('path')
    await page.getByTestId('adapter-path-0').fill(adapterDir)
    await page.getByTestId('adapter-path-0').press('Tab')
    await expect.poll(() => page.getByTestId('model-0').inputValue()).toBe(String(wideId))
    await expect
      .poll(() => page.getByTestId('target-resolved-0').textContent())
      .toContain('tiny-wide + wide-adapter')
    await page.getByTestId('model-0').selectOption({ label: 'tiny-chat' })
    await expect
      .poll(() => page.getByTestId('target-problem-0').textContent())
      .toContain(
        'does not fit base model "tiny-chat": the adapter was trained on a model with n_embd 32 and 2 layers'
      )
    expect(await page.getByTestId('create-chat').isDisabled()).toBe(true)
    await shot(page, 'chat-02-adapter-misfit')
    await page.getByTestId('model-0').selectOption({ label: 'tiny-wide' })
    await page.getByTestId('target-resolved-0').waitFor()
    expect(await page.getByTestId('create-chat').isDisabled()).toBe(false)
    await page.getByTestId('mode-compare').check({ force: true })
    expect(await page.getByTestId('model-1').inputValue()).toBe(String(wideId))
    expect(await page.getByTestId('adapter-kind-1').inputValue()).toBe('none')
    await page.getByTestId('compare-prompt').fill('What is XSS?')
    await page.getByTestId('compare-run').click()
    await page.getByTestId('compare-run').waitFor({ timeout: 120_000 })
    expect(await page.locator('[data-testid="compare-columns"] .chat-column').count()).toBe(2)
    expect(await page.getByTestId('compare-columns').textContent()).not.toContain('Writing')
    expect(await page.getByTestId('compare-error').count()).toBe(0)
    expect(await page.getByTestId('chat-error').count()).toBe(0)
    await shot(page, 'chat-03-compare-defaults')
    await page.getByTestId('adapter-kind-0').selectOption('none')
  })

  it('answers side by side for two targets', async () => {
    await page.getByTestId('mode-compare').check({ force: true })
    await page.getByTestId('model-0').selectOption({ label: 'tiny-chat' })
    await page.getByTestId('adapter-kind-1').selectOption('none')
    await page.getByTestId('model-1').selectOption({ label: 'tiny-chat' })
    await page.getByTestId('compare-prompt').fill('Explain SQL injection.')
    await page.getByTestId('compare-run').click()
    await page.getByTestId('compare-run').waitFor({ timeout: 120_000 })
    const columns = page.locator('[data-testid="compare-columns"] .chat-bubble')
    expect(await columns.count()).toBe(2)
    const [a, b] = await columns.allTextContents()
    expect(a).toBe(b)
    await shot(page, 'chat-02-compare')
  })
})
