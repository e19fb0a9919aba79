// The datasets screens in a real browser: the import wizard on a small alpaca JSONL with one broken
// line (detected format and reason, mask preview, the problem with file and line, the histogram,
// save with progress), the list, the record browser with search, the CWE sample, Chinese + dark, delete.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { shot, tallShot, useSession } from './e2e-harness'

const records = [
  { instruction: 'Explain buffer overflow', input: '', output: 'Writing past the end of a buffer.' },
  {
    instruction: 'Summarize',
    input: 'char buf[8]; strcpy(buf, s);',
    output: 'Unbounded copy into an 8-byte buffer.'
  },
  { instruction: 'Translate to Chinese', input: 'hello', output: '你好' },
  {
    instruction: 'What is XSS?',
    input: '',
    output: 'Cross-site scripting: injected script runs in the victim page.'
  }
]

describe('datasets in browser mode', () => {
  const session = useSession()
  let page: Page
  let folder: string
  let file: string
  let chineseFile: string

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'lora-studio-e2e-data-'))
    file = join(folder, 'alpaca-notes.jsonl')
    const lines = records.map((r) => JSON.stringify(r))
    lines.splice(3, 0, '{"instruction": "broken", "output": ')
    writeFileSync(file, lines.join('\n') + '\n')
    chineseFile = join(folder, '逆向笔记.md')
    writeFileSync(
      chineseFile,
      '# 栈溢出分析笔记\n\n这个函数把用户输入复制到固定大小的栈缓冲区，没有检查长度。攻击者可以覆盖返回地址，从而劫持控制流。修复方法是使用带长度限制的复制函数，并开启栈保护。\n'
    )
    page = session.page
  })

  afterAll(async () => {
    if (folder) rmSync(folder, { recursive: true, force: true })
  })

  it('starts with an empty state that offers the import and the CWE sample', async () => {
    await page.goto(session.served.url)
    await expect.poll(() => page.locator('h1').textContent()).toBe('Datasets')
    await page.getByText('No datasets yet').waitFor()
    expect(await page.locator('[data-sample="cwe-instructions"]').isVisible()).toBe(true)
    await tallShot(page, 'datasets-01-empty')
  })

  it('names a missing path where it was typed, then detects the format and says why', async () => {
    await page.getByTestId('open-wizard').click()
    await expect.poll(() => page.locator('h1').textContent()).toBe('Import a dataset')
    expect(await page.getByText('lora-studio serve').count()).toBeGreaterThan(0)
    expect(await page.locator('#dataset-paths-help code').textContent()).toBe('lora-studio serve')
    expect(await page.locator('#dataset-paths-help').textContent()).not.toContain('`')
    await page.getByTestId('paths-input').fill(join(folder, 'missing.jsonl'))
    await page.getByTestId('inspect').click()
    await expect
      .poll(() => page.getByTestId('paths-error').textContent())
      .toContain('missing.jsonl" does not exist; check the path or choose the file again.')
    expect(await page.getByTestId('paths-input').getAttribute('aria-invalid')).toBe('true')
    await tallShot(page, 'datasets-02-source-error')
    await page.getByTestId('paths-input').fill(file)
    await tallShot(page, 'datasets-02-source')
    await page.getByTestId('inspect').click()
    await page.getByTestId('detected-format').waitFor()
    expect(await page.getByTestId('detected-name').textContent()).toBe('instruction')
    expect(await page.getByTestId('detected-reason').textContent()).toMatch(
      /4\/4 sampled records have 'instruction' and 'output' fields/
    )
    expect(await page.getByTestId('map-instruction').inputValue()).toBe('instruction')
    expect(await page.getByTestId('map-input').inputValue()).toBe('input')
    expect(await page.getByTestId('map-output').inputValue()).toBe('output')
    await tallShot(page, 'datasets-03-format')
  })

  it('previews the formatted samples with masked prompt and trained answer tokens', async () => {
    await page.getByTestId('run-preview').click()
    await page.getByTestId('mask-legend').waitFor()
    const first = page.getByTestId('preview-sample').first()
    const masked = await first.locator('[data-trained="false"]').allTextContents()
    const trained = await first.locator('[data-trained="true"]').allTextContents()
    expect(masked.join('')).toBe('Human: Explain buffer overflow↵↵Assistant: ')
    expect(trained.join('')).toBe('Writing past the end of a buffer.<|endoftext|>')
    expect(trained.length).toBe(9)
    expect(await first.locator('[data-trained="true"]').first().getAttribute('title')).toMatch(
      /Trained · token id 33874/
    )
    await tallShot(page, 'datasets-04-preview')
  })

  it('shows tokens inline with Chinese joined into characters and the mask boundary on the first screen', async () => {
    const chinese = page.getByTestId('preview-sample').nth(2)
    expect(await chinese.getByTestId('formatted-text').textContent()).toBe(
      'Human: Translate to Chinese\nhello\n\nAssistant: 你好<|endoftext|>'
    )
    const flow = chinese.getByTestId('mask-tokens')
    const trained = await flow.locator('[data-trained="true"]').allTextContents()
    expect(trained.join('')).toBe('你好<|endoftext|>')
    expect((await flow.textContent()) ?? '').not.toContain('\uFFFD')
    // A character GPT-2 cuts into byte tokens is one chip that counts its tokens.
    const joined = flow.locator('[data-trained="true"][data-count]')
    expect(Number(await joined.first().getAttribute('data-count'))).toBeGreaterThan(1)
    // Inline like text: the first chips share a row, and the switch to trained shows near the top.
    const chips = flow.locator('.token')
    const [a, b] = [await chips.nth(0).boundingBox(), await chips.nth(1).boundingBox()]
    expect(Math.abs((a?.y ?? 0) - (b?.y ?? 1))).toBeLessThan(2)
    const box = await flow.boundingBox()
    const marker = flow.getByTestId('mask-boundary').first()
    expect(await marker.textContent()).toBe('▶ trained from here')
    const markerBox = await marker.boundingBox()
    expect((markerBox?.y ?? 1e9) - (box?.y ?? 0)).toBeLessThan(100)
    await chinese.scrollIntoViewIfNeeded()
    await shot(page, 'datasets-04b-preview-chinese')
  })

  it('reports the broken line with its file and line number', async () => {
    await page.getByTestId('next').click()
    const row = page.getByTestId('problems').locator('tbody tr')
    await row.first().waitFor()
    expect(await row.count()).toBe(1)
    const cells = await row.first().locator('td').allTextContents()
    expect(cells.map((c) => c.trim())).toEqual([
      'Error',
      'alpaca-notes.jsonl',
      'line 4',
      '',
      'alpaca-notes.jsonl line 4: invalid JSON (Unexpected end of JSON input)'
    ])
    await tallShot(page, 'datasets-05-validation')
  })

  it('shows the statistics with the token-length histogram', async () => {
    await page.getByTestId('next').click()
    await page.getByTestId('token-histogram').locator('canvas').waitFor()
    expect(await page.getByTestId('stat-records').textContent()).toBe('4')
    expect(await page.getByTestId('stat-tokens').textContent()).toMatch(/^\d+$/)
    await tallShot(page, 'datasets-06-statistics')
  })

  it('saves and lists the dataset with its record count and split', async () => {
    await page.getByTestId('next').click()
    expect(await page.getByTestId('dataset-name').inputValue()).toBe('alpaca-notes')
    await page.getByLabel('Validation share (%)').fill('25')
    await tallShot(page, 'datasets-07-save')
    await page.getByTestId('save-dataset').click()
    await page.getByTestId('imported-notice').waitFor()
    expect(page.url()).toMatch(/#\/datasets\?imported=\d+$/)
    const row = page.getByTestId('dataset-table').locator('tbody tr', { hasText: 'alpaca-notes' })
    expect((await row.getByTestId('record-count').textContent())?.trim()).toMatch(
      /^4\s+3 train · 1 validation$/
    )
    await tallShot(page, 'datasets-08-list')
  })

  it('opens the dataset, searches its records and shows one record’s mask', async () => {
    await page.getByRole('link', { name: 'alpaca-notes', exact: true }).click()
    await expect.poll(() => page.locator('h1').textContent()).toBe('alpaca-notes')
    await expect.poll(() => page.getByTestId('record-range').textContent()).toContain('1–4 of 4')
    await page.getByTestId('record-search').fill('XSS')
    await expect.poll(() => page.getByTestId('record-range').textContent()).toContain('1–1 of 1')
    const row = page.getByTestId('record-row')
    expect(await row.count()).toBe(1)
    expect(await row.textContent()).toContain('What is XSS?')
    await row.getByRole('button', { name: 'Show tokens' }).click()
    const tokens = page.getByTestId('mask-tokens')
    await tokens.waitFor()
    expect((await tokens.locator('[data-trained="true"]').allTextContents()).join('')).toBe(
      'Cross-site scripting: injected script runs in the victim page.<|endoftext|>'
    )
    expect(await page.getByTestId('formatted-text').textContent()).toBe(
      'Human: What is XSS?\n\nAssistant: Cross-site scripting: injected script runs in the victim page.<|endoftext|>'
    )
    await page.getByTestId('token-histogram').locator('canvas').waitFor()
    await tallShot(page, 'datasets-09-detail')
  })

  it('adds the CWE sample dataset with a progress bar, and lists its 1607 instruction records', async () => {
    await page.getByRole('link', { name: 'All datasets' }).click()
    // On an idle machine the import can come and go within a second: record every progress text shown.
    await page.evaluate(`(() => {
      const seen = []
      window.progressSeen = seen
      new MutationObserver(() => {
        const text = document.querySelector('[data-testid="import-progress"]')?.textContent
        if (text) seen.push(text)
      }).observe(document.body, { subtree: true, childList: true, characterData: true })
    })()`)
    await page.locator('[data-sample="cwe-instructions"]').click()
    await page
      .getByTestId('imported-notice')
      .getByText('CWE weaknesses (instructions)')
      .waitFor({ timeout: 120_000 })
    const seen = await page.evaluate<string[]>('window.progressSeen')
    expect(seen.some((text) => text.includes('CWE weaknesses (instructions)'))).toBe(true)
    expect(seen.some((text) => /\d+%/.test(text))).toBe(true)
    const row = page
      .getByTestId('dataset-table')
      .locator('tbody tr', { hasText: 'CWE weaknesses (instructions)' })
    expect((await row.getByTestId('record-count').textContent())?.trim()).toMatch(/^1,607\s/)
    await tallShot(page, 'datasets-10-cwe-sample-added')
  })

  it('warns that GPT-2 fragments Chinese text (wizard driven from the keyboard: Ctrl+Enter, focus on the step)', async () => {
    await page.getByTestId('open-wizard').click()
    await page.getByTestId('paths-input').fill(chineseFile)
    await page.getByTestId('paths-input').press('Control+Enter')
    await page.getByTestId('detected-format').waitFor()
    await expect
      .poll(() => page.evaluate<string>('document.activeElement?.textContent?.trim() ?? ""'))
      .toBe('Step 2 of 6 — Format')
    expect(await page.getByTestId('detected-name').textContent()).toBe('text')
    await page.getByTestId('run-preview').click()
    await page.getByTestId('mask-legend').waitFor()
    await page.locator('[data-step="statistics"]').click()
    const warning = page.getByTestId('fragmentation-warning')
    await warning.waitFor()
    expect(((await warning.textContent()) ?? '').length).toBeGreaterThan(20)
    expect(Number(await page.getByTestId('stat-tpc').textContent())).toBeGreaterThan(1)
    await tallShot(page, 'datasets-11-chinese-statistics')
    await page.getByRole('link', { name: 'Cancel import' }).click()
    await expect.poll(() => page.locator('h1').textContent()).toBe('Datasets')
  })

  it('reads in Chinese and in the dark theme', async () => {
    await page.locator('nav a[data-nav="settings"]').click()
    await page.locator('label', { hasText: '简体中文' }).click()
    await page.locator('label', { hasText: '深色' }).click()
    await expect.poll(() => page.locator('html').getAttribute('data-theme')).toBe('dark')
    await page.locator('nav a[data-nav="datasets"]').click()
    await expect.poll(() => page.locator('h1').textContent()).toBe('数据集')
    await tallShot(page, 'datasets-12-list-zh-dark')
    await page.getByRole('link', { name: 'CWE weaknesses (instructions)' }).click()
    await page.getByTestId('token-histogram').locator('canvas').waitFor()
    await page.getByRole('button', { name: '查看 token' }).first().click()
    await page.getByTestId('mask-tokens').waitFor()
    await shot(page, 'datasets-13-detail-zh-dark')
    await page.locator('nav a[data-nav="settings"]').click()
    await page.locator('label', { hasText: 'English' }).click()
    await page.locator('label', { hasText: 'Light' }).click()
    await expect.poll(() => page.locator('html').getAttribute('data-theme')).toBe('light')
  })

  it('deletes a dataset after asking', async () => {
    await page.locator('nav a[data-nav="datasets"]').click()
    const rows = page.getByTestId('dataset-table').locator('tbody tr')
    await expect.poll(() => rows.count()).toBe(2)
    await page.getByRole('button', { name: 'Delete alpaca-notes' }).click()
    const dialog = page.getByRole('dialog')
    await dialog.waitFor()
    expect(await dialog.textContent()).toContain('Delete “alpaca-notes”?')
    await tallShot(page, 'datasets-14-delete-confirm')
    await dialog.getByRole('button', { name: 'Delete' }).click()
    await expect.poll(() => rows.count()).toBe(1)
    expect(await rows.first().textContent()).toContain('CWE weaknesses (instructions)')
  })

  it('logged no page errors', () => {
    expect(session.pageErrors).toEqual([])
  })
})
