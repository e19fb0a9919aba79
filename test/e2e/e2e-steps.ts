// UI steps more than one e2e test walks (the nav, a run's status and chart, starting the Train form's
// run, the import wizard from a typed path to Save), kept here so the tests reuse them, not copy them.
import type { Locator, Page } from 'playwright-core'
import { expect } from 'vitest'
import { tallShot } from './e2e-harness'
import { chartPoints } from './run-page'

/** Opens a page from the side nav; waits for its route (and its title, where one is given). */
export async function goTo(page: Page, nav: string, title?: string): Promise<void> {
  await page.locator(`nav a[data-nav="${nav}"]`).click()
  await expect.poll(() => page.url()).toContain(`#/${nav}`)
  if (title !== undefined) await expect.poll(() => page.locator('h1').textContent()).toBe(title)
}

/** Types a path into the import wizard and walks Format → Preview; returns the detected format. */
export async function wizardPreview(page: Page, path: string): Promise<string> {
  await goTo(page, 'datasets')
  await page.getByTestId('open-wizard').click()
  await page.getByTestId('paths-input').fill(path)
  await page.getByTestId('inspect').click()
  await page.getByTestId('detected-format').waitFor({ timeout: 60_000 })
  const format = (await page.getByTestId('detected-name').textContent()) ?? ''
  await page.getByTestId('run-preview').click()
  await page.getByTestId('mask-legend').waitFor({ timeout: 60_000 })
  return format
}

/** From the preview to the validation report. */
export async function wizardValidation(page: Page): Promise<void> {
  await page.getByTestId('next').click()
  await page.locator('.report-counts').waitFor()
}

/** From the validation report on: Statistics, then Save under this name with this validation share. */
export async function wizardSave(page: Page, name: string, validationPercent: number): Promise<void> {
  await page.getByTestId('next').click()
  await page.getByTestId('token-histogram').locator('canvas').waitFor()
  await page.getByTestId('next').click()
  await page.getByTestId('dataset-name').fill(name)
  await page.locator('#validation-percent').fill(String(validationPercent))
  await page.getByTestId('save-dataset').click()
  await page.getByTestId('imported-notice').waitFor({ timeout: 120_000 })
}

/** Runs a walk; when it fails, a screenshot of where it stopped is left under this name. */
export async function shotOnFailure(page: Page, name: string, walk: () => Promise<void>): Promise<void> {
  try {
    await walk()
  } catch (err) {
    await tallShot(page, name).catch(() => undefined)
    throw err
  }
}

/** Seconds since the walk began at each step, for the one line a walk prints at its end. */
export function stopwatch(): { mark: (step: string) => void; line: () => string } {
  const started = performance.now()
  const timings: string[] = []
  return {
    mark: (step) => timings.push(`${step} ${((performance.now() - started) / 1000).toFixed(1)} s`),
    line: () => timings.join(', ')
  }
}

/** Waits for the Evaluate panel's table and returns each row's cells, trimmed. */
export async function evaluationRows(page: Page): Promise<string[][]> {
  const table = page.getByTestId('evaluation')
  await table.waitFor({ timeout: 120_000 })
  const rows = await table.locator('tbody tr').all()
  return Promise.all(
    rows.map(async (row) => (await row.locator('td').allTextContents()).map((c) => c.trim()))
  )
}

/**
 * Ticks these runs on the Runs page and opens Compare; once every step of each is charted, keeps only
 * the settings that differ and returns their names.
 */
export async function compareRuns(page: Page, ids: number[], steps: number): Promise<string[]> {
  await goTo(page, 'runs')
  for (const id of ids) await page.locator(`tr[data-run-id="${id}"] input[type="checkbox"]`).check()
  await page.getByTestId('compare-selected').click()
  await expect.poll(() => chartPoints(page, 'compare-train-loss')).toBe(ids.length * steps)
  await page.getByTestId('differences-only').check()
  return page
    .locator('[data-setting]')
    .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-setting') ?? ''))
}

/**
 * Sends Compare's prompt in Chat and waits until both panes have finished (their speed line, in the
 * page's language, shown: none left writing) with some text; returns the panes' titles.
 */
export async function answerSideBySide(page: Page, prompt: string, speed: RegExp): Promise<string[]> {
  await page.getByTestId('compare-prompt').fill(prompt)
  await page.getByTestId('compare-run').click()
  const columns = page.locator('[data-testid="compare-columns"] .chat-column')
  await expect.poll(() => columns.count(), { timeout: 60_000 }).toBe(2)
  await expect
    .poll(() => columns.locator('small').allTextContents(), { timeout: 120_000 })
    .toEqual([expect.stringMatching(speed), expect.stringMatching(speed)])
  for (const text of await columns.locator('.chat-bubble').allTextContents()) expect(text.trim()).not.toBe('')
  return columns.locator('.chat-column-title').allTextContents()
}

/** Chooses the option of a select whose text contains this (a model's option also names its family and size). */
export async function choose(select: Locator, text: string): Promise<void> {
  const value = await select.locator('option', { hasText: text }).first().getAttribute('value')
  await select.selectOption(value ?? '')
}
