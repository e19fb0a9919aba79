// The run page's Evaluate panel in a real browser: the tiny demo model trained briefly on the CWE
// sample, then the base model and the run's final adapter scored on the dataset's validation split
// (progress, then a kept table of loss and perplexity), a missing file refused in words, and the
// panel in Chinese.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import type { DatasetDetail } from '../../src/shared/datasets'
import type { ModelSummary } from '../../src/shared/models'
import type { RunDetail } from '../../src/shared/runs'
import { callApi, shot, tallShot, useSession } from './e2e-harness'
import { evaluationRows } from './e2e-steps'

describe('Evaluate panel in browser mode', () => {
  const session = useSession('lora-studio-e2e-evaluate-')
  let page: Page
  let run: RunDetail

  beforeAll(async () => {
    page = session.page
    await page.goto(session.served.url)
    await page.locator('h1').waitFor()
    const model = await callApi<ModelSummary>(page, 'models.createDemo', { size: 'tiny' })
    const dataset = await callApi<DatasetDetail>(page, 'datasets.addSample', { kind: 'cwe-instructions' })
    expect(dataset.validationCount).toBeGreaterThan(0)
    run = await callApi<RunDetail>(page, 'runs.start', {
      name: 'evaluate me',
      preset: 'quick-test',
      config: { baseModel: model.path, data: { kind: 'dataset', id: dataset.id }, maxSteps: 4, saveEvery: 2 }
    })
  })

  it('scores the base model and the final adapter on the validation split and keeps the table', async () => {
    await page.goto(`${session.served.url.split('#')[0]}#/runs/${run.id}`)
    await expect
      .poll(() => page.getByTestId('run-status').getAttribute('data-status'), { timeout: 240_000 })
      .toBe('completed')
    const panel = page.getByTestId('evaluate-panel')
    await panel.waitFor()
    expect(await panel.textContent()).toContain('No evaluations yet.')
    expect(await page.locator('[data-evaluate-row="base"]').isChecked()).toBe(true)
    await page.locator('[data-evaluate-row="final"]').check()
    expect(await page.getByTestId('evaluate-dataset').textContent()).toContain('(80 validation records)')
    await page.getByTestId('evaluate-start').click()
    await page.getByTestId('evaluate-progress').waitFor()
    const table = page.getByTestId('evaluation')
    const rows = await evaluationRows(page)
    expect(rows.length).toBe(2)
    const [base, final] = rows as [string[], string[]]
    expect(await table.locator('h3').textContent()).toBe('CWE weaknesses (instructions) — validation split')
    expect(base[0]).toBe('Base model (tiny-demo)')
    expect(final[0]).toBe('Final adapter')
    for (const row of [base, final]) {
      expect(Number(row[2])).toBeCloseTo(Math.exp(Number(row[1])), -1)
      expect(row[3]).toBe(base[3])
    }
    // The demo model's context (256) and half of it, over the 80 validation samples.
    expect(await table.textContent()).toMatch(/windows of up to 256 tokens, stride 128, 80 texts/)
    await tallShot(page, 'evaluate-01-table')

    // Kept with the run: it is there after a reload.
    await page.reload()
    await page.getByTestId('evaluation').waitFor()
    expect(await page.getByTestId('evaluation').locator('tbody tr').count()).toBe(2)
    expect(session.pageErrors).toEqual([])
  })

  it('says in words when the file to score is not there', async () => {
    await page.locator('input[type="radio"][value="file"]').check()
    await page.getByTestId('evaluate-file').fill('/nowhere/notes.md')
    await page.getByTestId('evaluate-start').click()
    await expect
      .poll(() => page.getByTestId('evaluate-panel').locator('[role="alert"]').textContent())
      .toBe('/nowhere/notes.md does not exist; give a .txt or .md file (or tokenized .jsonl)')
    await shot(page, 'evaluate-02-missing-file')
  })

  it('stops a long evaluation, keeping nothing of it', async () => {
    const notes = join(session.dataDir, 'notes.md')
    writeFileSync(notes, 'A heap overflow writes past the end of a buffer on the heap. '.repeat(5000))
    await page.getByTestId('evaluate-file').fill(notes)
    await page.locator('input[placeholder="half the window"]').fill('1')
    await page.getByTestId('evaluate-start').click()
    await expect
      .poll(() => page.getByTestId('evaluate-progress').textContent(), { timeout: 60_000 })
      .toMatch(/Scoring row 1 of 1: \d+ of \d{5} windows/)
    await shot(page, 'evaluate-03-progress')
    await page.getByTestId('evaluate-stop').click()
    await expect
      .poll(() => page.getByTestId('evaluate-panel').locator('[role="alert"]').textContent(), {
        timeout: 30_000
      })
      .toBe('The evaluation was stopped; nothing of it was kept.')
    expect(await page.getByTestId('evaluate-progress').count()).toBe(0)
    expect(await page.getByTestId('evaluation').count()).toBe(1)
  })

  it('shows the panel in Chinese', async () => {
    await callApi(page, 'settings.update', { language: 'zh-CN' })
    await page.reload()
    const panel = page.getByTestId('evaluate-panel')
    await panel.waitFor()
    await expect.poll(() => panel.locator('h2').textContent()).toBe('评估')
    expect(await panel.locator('thead').textContent()).toContain('困惑度')
    expect(await panel.locator('h3').textContent()).toBe('CWE weaknesses (instructions) — 验证集')
    expect(await panel.locator('tbody tr').first().textContent()).toContain('基础模型')
    await tallShot(page, 'evaluate-04-zh')
  })
})
