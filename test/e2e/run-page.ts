// What the e2e tests that train read off the Train form and a run's page: start the filled form's run,
// the run's status, and how many points a chart has drawn.
import type { Page } from 'playwright-core'
import { expect } from 'vitest'

/** Starts the filled form's run and returns its id, once its page is open. */
export async function startFromForm(page: Page): Promise<number> {
  await page.getByTestId('start-run').click()
  await expect.poll(() => page.url(), { timeout: 60_000 }).toMatch(/#\/runs\/\d+$/)
  return Number(/#\/runs\/(\d+)$/.exec(page.url())![1])
}

export async function runStatus(page: Page): Promise<string> {
  return (await page.getByTestId('run-status').getAttribute('data-status')) ?? ''
}

export async function chartPoints(page: Page, chart: string): Promise<number> {
  return Number(await page.locator(`[data-chart="${chart}"]`).getAttribute('data-points'))
}
