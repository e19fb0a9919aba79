// Train and Runs in a real browser: the tiny demo model and the CWE sample added over the page's own
// API socket, a "Quick test" run started from the form, its chart filling from run.progress events,
// pause and resume, the run opened from the history, its settings cloned into a second run with a
// different r, the two compared (overlaid curves, differences only), then notes, rename and delete.
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { callApi, shot, tallShot, useSession } from './e2e-harness'
import { chartPoints, runStatus, startFromForm } from './run-page'

const RUN_TIMEOUT_MS = 240_000

describe('Train and Runs in browser mode', () => {
  const session = useSession('lora-studio-e2e-runs-')
  let page: Page
  let firstRun = 0
  let secondRun = 0

  beforeAll(async () => {
    page = session.page
    await page.goto(session.served.url)
    await page.locator('h1').waitFor()
  })

  it('says what to do first while there is no model and no dataset', async () => {
    await page.locator('nav a[data-nav="train"]').click()
    await expect
      .poll(() => page.locator('.empty-state').textContent())
      .toContain('Create the tiny demo model')
    await shot(page, 'runs-01-train-empty')
    await page.locator('nav a[data-nav="runs"]').click()
    await expect.poll(() => page.locator('.empty-state').textContent()).toContain('Start your first run')
  })

  it('shows the form with the Quick test preset, the PEFT line and the memory estimate', async () => {
    await callApi(page, 'models.createDemo', { size: 'tiny' })
    await callApi(page, 'datasets.addSample', { kind: 'cwe-instructions' })
    await page.locator('nav a[data-nav="train"]').click()
    await page.locator('.train-form').waitFor()
    expect(await page.locator('[data-preset="quick-test"] input').isChecked()).toBe(true)
    expect(await page.locator('#train-r').inputValue()).toBe('4')
    expect(await page.locator('[data-target="attn.c_attn"]').isChecked()).toBe(true)
    expect(await page.locator('[data-target="mlp.c_fc"]').isChecked()).toBe(false)
    // The tiny demo model: 2 layers × 64 wide; r 4 on c_attn = 2 × 4 × (64 + 192) = 2,048 parameters.
    await expect
      .poll(() => page.getByTestId('trainable-line').textContent(), { timeout: 60_000 })
      .toBe('trainable params: 2,048 || all params: 3,334,976 || trainable%: 0.0614')
    expect(await page.getByTestId('memory-estimate').textContent()).toMatch(/^\d[\d.,]* (KiB|MiB|GiB)$/)
    // Beside it, what chatting with the result takes at the demo model's full context (256 tokens).
    expect(await page.getByTestId('inference-estimate').locator('summary').textContent()).toContain(
      '256 tokens'
    )
    expect(await page.getByTestId('inference-total').textContent()).toMatch(/^\d[\d.,]* (KiB|MiB|GiB)$/)
    expect(await page.getByTestId('train-fragmentation').count()).toBe(0)
    // A Chinese dataset chosen: the import wizard's tokens-per-character warning, here too.
    const zhDir = join(session.dataDir, 'zh-notes')
    mkdirSync(zhDir, { recursive: true })
    writeFileSync(
      join(zhDir, 'zh.txt'),
      '缓冲区溢出是一种常见的软件安全漏洞。当程序向固定大小的缓冲区写入超过其容量的数据时，多余的数据会覆盖相邻的内存。'
    )
    const zh = (await callApi(page, 'datasets.import', {
      name: 'zh notes',
      paths: [join(zhDir, 'zh.txt')],
      format: 'text',
      split: { kind: 'none' }
    })) as { id: number }
    const cwe = await page.locator('#train-dataset').inputValue()
    await page.locator('nav a[data-nav="runs"]').click()
    await page.locator('nav a[data-nav="train"]').click()
    await page.locator('.train-form').waitFor()
    await page.locator('#train-dataset').selectOption(String(zh.id))
    await expect
      .poll(() => page.getByTestId('train-fragmentation').textContent(), { timeout: 60_000 })
      .toMatch(/tokenizer needs \d+(\.\d+)? tokens per character of this dataset/)
    expect(await page.locator('#train-template').count()).toBe(0)
    await shot(page, 'runs-02-train-fragmentation')
    await page.locator('#train-dataset').selectOption(cwe)
    await expect.poll(() => page.getByTestId('train-fragmentation').count(), { timeout: 60_000 }).toBe(0)

    await page.locator('#train-r').fill('0')
    await expect.poll(() => page.locator('#train-r-error').textContent()).toBe('Must be at least 1.')
    await page.locator('#train-learningRate').fill('abc')
    await expect.poll(() => page.locator('#train-learningRate-error').textContent()).toBe('Enter a number.')
    await shot(page, 'runs-02-train-errors')
    await page.locator('#train-r').fill('4')
    await page.locator('#train-learningRate').fill('1e-3')
    await expect.poll(() => page.locator('.train-form [aria-invalid="true"]').count()).toBe(0)
    await page.locator('#train-name').fill('quick r4')
    await tallShot(page, 'runs-03-train-form')
  })

  it('starts the run, opens its page and fills the chart from progress events', async () => {
    firstRun = await startFromForm(page)
    expect(await page.locator('h1').textContent()).toBe('quick r4')
    await expect.poll(() => chartPoints(page, 'train-loss'), { timeout: 120_000 }).toBeGreaterThan(0)
    const early = await chartPoints(page, 'train-loss')
    await expect.poll(() => chartPoints(page, 'train-loss'), { timeout: 60_000 }).toBeGreaterThan(early)
    expect(await chartPoints(page, 'learning-rate')).toBeGreaterThan(0)
    expect(await chartPoints(page, 'grad-norm')).toBeGreaterThan(0)
    expect(await page.getByTestId('run-tokens').textContent()).toMatch(/^\d/)
    await shot(page, 'runs-04-run-live')
  })

  it('pauses and resumes the run', async () => {
    await page.getByTestId('pause-run').click()
    await expect.poll(() => runStatus(page), { timeout: 60_000 }).toBe('paused')
    const pausedAt = await chartPoints(page, 'train-loss')
    await expect
      .poll(() => page.getByTestId('checkpoints').textContent(), { timeout: 30_000 })
      .toContain('On pause')
    await shot(page, 'runs-05-paused')
    expect(await chartPoints(page, 'train-loss')).toBe(pausedAt)

    await page.getByTestId('resume-run').click()
    await expect.poll(() => runStatus(page), { timeout: 30_000 }).toBe('running')
    await expect.poll(() => runStatus(page), { timeout: RUN_TIMEOUT_MS }).toBe('completed')
    expect(await chartPoints(page, 'train-loss')).toBe(20)
    expect(await chartPoints(page, 'eval-loss')).toBeGreaterThan(0)
    expect(await page.getByTestId('run-step').textContent()).toBe('Step 20 of 20')
    await tallShot(page, 'runs-06-completed')
  })

  it('opens the run from the history', async () => {
    await page.locator('nav a[data-nav="runs"]').click()
    const row = page.locator(`tr[data-run-id="${firstRun}"]`)
    await row.waitFor()
    await expect.poll(() => row.textContent()).toContain('Completed')
    expect(await row.textContent()).toContain('4 / 8')
    expect(await row.textContent()).toContain('tiny-demo')
    expect(await row.textContent()).toContain('wasm')
    await shot(page, 'runs-07-history')
    await row.locator('a.run-link').click()
    await expect.poll(() => page.locator('h1').textContent()).toBe('quick r4')
  })

  it('exports the final adapter as a PEFT folder', async () => {
    await page.getByTestId('export-final').click()
    await page.locator('dialog[open] #export-folder').waitFor()
    const folder = await page.locator('#export-folder').inputValue()
    expect(folder).toBe(join(session.dataDir, 'exports', `run-${firstRun}-final-peft`))
    await page.getByTestId('export-start').click()
    await expect
      .poll(() => page.getByTestId('export-done').textContent(), { timeout: 60_000 })
      .toContain(folder)
    // Done: the dialog closes (it no longer blocks the page) and the page says where it went.
    expect(await page.locator('dialog[open]').count()).toBe(0)
    expect(existsSync(join(folder, 'adapter_config.json'))).toBe(true)
    expect(existsSync(join(folder, 'adapter_model.safetensors'))).toBe(true)
    await shot(page, 'runs-07b-exported')

    // The same folder again: the earlier export is replaced only after the user says yes.
    await page.getByTestId('export-final').click()
    await page.locator('dialog[open] #export-folder').waitFor()
    expect(await page.getByTestId('export-done').count()).toBe(0)
    await page.getByTestId('export-start').click()
    const confirm = page.locator('dialog[open] [data-testid="confirm"]')
    await confirm.waitFor()
    expect(await page.locator('dialog[open] .confirm-body').textContent()).toContain(folder)
    await shot(page, 'runs-07c-replace-export')
    await confirm.click()
    await expect
      .poll(() => page.getByTestId('export-done').textContent(), { timeout: 60_000 })
      .toContain(folder)
    expect(readdirSync(folder).sort()).toEqual([
      'adapter_config.json',
      'adapter_model.safetensors',
      'lora-studio-export.json'
    ])

    expect(await page.locator('dialog[open]').count()).toBe(0)

    // A folder holding a user's file is refused, and the file stays.
    await page.getByTestId('export-final').click()
    await page.locator('dialog[open] #export-folder').waitFor()
    const notes = join(session.dataDir, 'exports', 'notes')
    mkdirSync(notes, { recursive: true })
    writeFileSync(join(notes, 'notes.md'), 'mine')
    await page.locator('#export-folder').fill(notes)
    await page.getByTestId('export-start').click()
    await expect
      .poll(() => page.locator('#export-folder-error').textContent())
      .toBe(`${notes} holds other files (notes.md); choose an empty or new folder.`)
    expect(readFileSync(join(notes, 'notes.md'), 'utf8')).toBe('mine')
    await page.locator('dialog[open]').press('Escape')
    await expect.poll(() => page.locator('dialog[open]').count()).toBe(0)
  })

  it('clones the settings into a second run with a different r', async () => {
    await page.getByTestId('clone-run').click()
    await expect.poll(() => page.url()).toContain(`#/train?from=${firstRun}`)
    await expect.poll(() => page.getByTestId('cloned-from').textContent()).toContain('quick r4')
    expect(await page.locator('#train-name').inputValue()).toBe('quick r4 (copy)')
    expect(await page.locator('#train-learningRate').inputValue()).toBe('0.001')
    expect(await page.locator('#train-maxSteps').inputValue()).toBe('20')
    await page.locator('#train-r').fill('8')
    await page.locator('#train-maxSteps').fill('8')
    await page.locator('#train-name').fill('quick r8')
    await expect
      .poll(() => page.getByTestId('trainable-line').textContent(), { timeout: 60_000 })
      .toContain('trainable params: 4,096 ')
    await page.getByTestId('dry-run').click()
    await expect
      .poll(() => page.getByTestId('dry-run-result').textContent(), { timeout: 120_000 })
      .toMatch(/for 8 steps/)
    secondRun = await startFromForm(page)
    expect(secondRun).toBeGreaterThan(firstRun)
    await expect.poll(() => runStatus(page), { timeout: RUN_TIMEOUT_MS }).toBe('completed')
    expect(await chartPoints(page, 'train-loss')).toBe(8)
  })

  it('compares the two runs: overlaid curves and the differing settings', async () => {
    await page.locator('nav a[data-nav="runs"]').click()
    await page.locator(`tr[data-run-id="${secondRun}"]`).waitFor()
    await page.locator(`tr[data-run-id="${firstRun}"] input[type="checkbox"]`).check()
    await page.locator(`tr[data-run-id="${secondRun}"] input[type="checkbox"]`).check()
    await page.getByTestId('compare-selected').click()
    await expect.poll(() => page.locator('h1').textContent()).toBe('Compare runs')
    await expect.poll(() => chartPoints(page, 'compare-train-loss')).toBe(28)
    await page.getByTestId('differences-only').check()
    const settings = await page
      .locator('[data-setting]')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-setting')))
    expect(settings).toContain('r')
    expect(settings).toContain('maxSteps')
    expect(settings).not.toContain('alpha')
    expect(settings).not.toContain('learningRate')
    expect(await page.locator('[data-setting="r"]').textContent()).toMatch(/4\s*8/)
    await tallShot(page, 'runs-08-compare')
  })

  it("continues the first run's adapter in a new run", async () => {
    await page.locator('nav a[data-nav="train"]').click()
    await page.locator(`#train-init-adapter option[value="run:${firstRun}"]`).waitFor({ state: 'attached' })
    await page.locator('#train-init-adapter').selectOption(`run:${firstRun}`)
    // The previous run's name ("quick r8") is not left in the form for this one.
    expect(await page.locator('#train-name').inputValue()).toBe('')
    expect(await page.getByTestId('cloned-from').count()).toBe(0)
    // The form still said r 8 (the second run's): the adapter's r 4 replaces it, locked.
    await expect.poll(() => page.locator('#train-r').inputValue()).toBe('4')
    expect(await page.locator('#train-r').isDisabled()).toBe(true)
    await page.locator('#train-maxSteps').fill('2')
    await page.locator('#train-name').fill('quick r4 continued')
    const third = await startFromForm(page)
    await expect.poll(() => runStatus(page), { timeout: RUN_TIMEOUT_MS }).toBe('completed')
    expect(await page.getByTestId('run-config').textContent()).toContain(
      join('runs', String(firstRun), 'adapter')
    )
    const detail = await callApi<{ parentRunId: number | null }>(page, 'runs.get', { id: third })
    expect(detail.parentRunId).toBe(firstRun)
  })

  it('fits the Runs table in a 1024 px window without sideways scrolling', async () => {
    const viewport = page.viewportSize() ?? { width: 1280, height: 800 }
    await page.setViewportSize({ width: 1024, height: 768 })
    try {
      await page.locator('nav a[data-nav="runs"]').click()
      await expect.poll(() => page.getByTestId('runs-table').locator('tbody tr').count()).toBe(3)
      const widths = await page.evaluate<{ scroll: number; client: number }>(
        `(() => { const w = document.querySelector('.table-wrap'); return { scroll: w.scrollWidth, client: w.clientWidth } })()`
      )
      expect(widths.scroll).toBeLessThanOrEqual(widths.client)
      // "Continued from" moves under the continued run's name.
      const lineage = page.locator('tbody tr .parent-inline')
      expect(await lineage.count()).toBe(1)
      expect(await lineage.isVisible()).toBe(true)
      expect(await lineage.textContent()).toContain(`Continued from #${firstRun} @20`)
      await shot(page, 'runs-10-table-1024')
    } finally {
      await page.setViewportSize(viewport)
    }
  })

  it('reads in Chinese and in the dark theme', async () => {
    await callApi(page, 'settings.update', { language: 'zh-CN', theme: 'dark' })
    await page.goto(page.url().replace(/#.*$/, `#/runs/${firstRun}`))
    await page.reload()
    await expect.poll(() => page.getByTestId('run-status').textContent()).toBe('已完成')
    await tallShot(page, 'runs-09-run-zh-dark')
    await page.locator('nav a[data-nav="train"]').click()
    await page.getByTestId('trainable-line').waitFor({ timeout: 60_000 })
    await tallShot(page, 'runs-10-train-zh-dark')
    await callApi(page, 'settings.update', { language: 'en', theme: 'light' })
  })

  it('keeps notes, renames, and deletes a run with its files after asking', async () => {
    await page.goto(page.url().replace(/#.*$/, `#/runs/${secondRun}`))
    await page.reload()
    await expect.poll(() => page.locator('h1').textContent()).toBe('quick r8')
    await page.locator('#run-notes').fill('r = 8 against r = 4')
    await page.getByTestId('save-notes').click()
    await expect.poll(() => page.locator('.notes-actions').textContent()).toContain('Saved')

    await page.getByTestId('rename-run').click()
    await page.locator('#run-new-name').fill('quick r8 renamed')
    await page.locator('#run-new-name').press('Enter')
    await expect.poll(() => page.locator('h1').textContent()).toBe('quick r8 renamed')
    await page.reload()
    await expect.poll(() => page.locator('#run-notes').inputValue()).toBe('r = 8 against r = 4')

    const runDir = join(session.dataDir, 'runs', String(secondRun))
    expect(existsSync(runDir)).toBe(true)
    await page.getByTestId('delete-run').click()
    await page.locator('dialog[open]').waitFor()
    await shot(page, 'runs-11-delete-asks')
    await page.locator('dialog[open] [data-testid="confirm"]').click()
    await expect.poll(() => page.locator('h1').textContent()).toBe('Runs')
    expect(await page.locator(`tr[data-run-id="${secondRun}"]`).count()).toBe(0)
    expect(existsSync(runDir)).toBe(false)
    expect(session.pageErrors).toEqual([])
  })
})
