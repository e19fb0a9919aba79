// UI steps more than one e2e test walks (the nav, a run's status and chart, starting the Train form's
// run, the import wizard from a typed path to Save), kept here so the tests reuse them, not copy them.
import type { Page } from 'playwright-core'
import { expect } from 'vitest'

/** Opens a page from the side nav; waits for its route (and its title, where one is given). */
export async function goTo(page: Page, nav: string, title?: string): Promise<void> {
  await page.locator(`nav a[data-nav="${nav}"]`).click()
  await expect.poll(() => page.url()).toContain(`#/${nav}`)
  if (title !== undefined) await expect.poll(() => page.locator('h1').textContent()).toBe(title)
}

export async function chartPoints(page: Page, chart: string): Promise<number> {
  return Number(await page.locator(`[data-chart="${chart}"]`).getAttribute('data-points'))
}

export async function runStatus(page: Page): Promise<string> {
  return (await page.getByTestId('run-status').getAttribute('data-status')) ?? ''
}

/** Starts the filled Train form's run and returns its id, once its page is open. */
export async function submitRun(page: Page): Promise<number> {
  await page.getByTestId('start-run').click()
  await expect.poll(() => page.url(), { timeout: 60_000 }).toMatch(/#\/runs\/\d+$/)
  return Number(/#\/runs\/(\d+)$/.exec(page.url())![1])
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
