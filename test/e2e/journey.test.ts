// The whole journey of a new user, through the UI only, in Chromium against browser mode: the tiny demo
// model (Models) → the CWE sample dataset (Datasets) → a short run from the Quick test preset (Train) →
// its loss chart filling → pause and resume → the run opened from the history (Runs) → its adapter
// answering beside the base model (Chat, compare) → a second run with another r → the two compared.
// One screenshot per step: test-output/e2e/journey-NN-*.png.
import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { tallShot, useSession } from './e2e-harness'
import { answerSideBySide, choose, compareRuns, goTo, shotOnFailure, stopwatch } from './e2e-steps'
import { chartPoints, runStatus, startFromForm } from './run-page'

const STEPS = 12
const RUN_TIMEOUT_MS = 240_000

/** Fills the Train form from the Quick test preset with this r (the demo model and the CWE sample chosen). */
async function fillQuickRun(page: Page, name: string, r: number): Promise<void> {
  await goTo(page, 'train', 'Train')
  await page.locator('[data-preset="quick-test"] input').check()
  await expect.poll(() => page.locator('#train-model option:checked').textContent()).toContain('tiny-demo')
  await expect
    .poll(() => page.locator('#train-dataset option:checked').textContent())
    .toContain('CWE weaknesses (instructions)')
  await page.locator('#train-name').fill(name)
  await page.locator('#train-r').fill(String(r))
  await page.locator('#train-maxSteps').fill(String(STEPS))
  await expect
    .poll(() => page.getByTestId('trainable-line').textContent(), { timeout: 60_000 })
    .toContain(`trainable params: ${(512 * r).toLocaleString('en-US')} `)
  await expect.poll(() => page.locator('.train-form [aria-invalid="true"]').count()).toBe(0)
}

describe('a new user from nothing to comparing two fine-tuned runs', () => {
  const session = useSession('lora-studio-e2e-journey-')
  let page: Page

  beforeAll(async () => {
    page = session.page
  })

  it('creates a model, adds data, trains, chats with the adapter and compares two runs', async () => {
    await shotOnFailure(page, 'journey-99-failed', journey)
  })

  async function journey(): Promise<void> {
    const { mark, line } = stopwatch()

    await page.goto(session.served.url)
    await page.locator('h1').waitFor()
    await tallShot(page, 'journey-01-first-start')

    await goTo(page, 'models', 'Models')
    await page.getByTestId('empty-create-demo').click()
    await expect.poll(() => page.getByTestId('model-added').textContent()).toContain('Added tiny-demo.')
    await tallShot(page, 'journey-02-demo-model')
    mark('model')

    await goTo(page, 'datasets', 'Datasets')
    await page.locator('[data-sample="cwe-instructions"]').click()
    await page
      .getByTestId('imported-notice')
      .getByText('CWE weaknesses (instructions)')
      .waitFor({ timeout: 120_000 })
    const dataset = page
      .getByTestId('dataset-table')
      .locator('tbody tr', { hasText: 'CWE weaknesses (instructions)' })
    expect((await dataset.getByTestId('record-count').textContent())?.trim()).toMatch(/^1,607\s/)
    await tallShot(page, 'journey-03-cwe-dataset')
    mark('dataset')

    await fillQuickRun(page, 'cwe r4', 4)
    await tallShot(page, 'journey-04-train-form')
    const first = await startFromForm(page)
    expect(await page.locator('h1').textContent()).toBe('cwe r4')
    await expect.poll(() => chartPoints(page, 'train-loss'), { timeout: 120_000 }).toBeGreaterThan(0)
    await tallShot(page, 'journey-05-chart-live')
    mark('first point')

    await page.getByTestId('pause-run').click()
    await expect.poll(() => runStatus(page), { timeout: 60_000 }).toBe('paused')
    const pausedAt = await chartPoints(page, 'train-loss')
    expect(pausedAt).toBeLessThan(STEPS)
    await expect
      .poll(() => page.getByTestId('checkpoints').textContent(), { timeout: 30_000 })
      .toContain('On pause')
    await tallShot(page, 'journey-06-paused')
    await page.getByTestId('resume-run').click()
    await expect.poll(() => runStatus(page), { timeout: 30_000 }).toMatch(/^(running|completed)$/)
    await expect.poll(() => runStatus(page), { timeout: RUN_TIMEOUT_MS }).toBe('completed')
    expect(await chartPoints(page, 'train-loss')).toBe(STEPS)
    expect(await chartPoints(page, 'eval-loss')).toBeGreaterThan(0)
    await tallShot(page, 'journey-07-completed')
    mark('first run')

    await goTo(page, 'runs', 'Runs')
    const row = page.locator(`tr[data-run-id="${first}"]`)
    await expect.poll(() => row.textContent()).toContain('Completed')
    await tallShot(page, 'journey-08-history')
    await row.locator('a.run-link').click()
    await expect.poll(() => page.locator('h1').textContent()).toBe('cwe r4')
    expect(await runStatus(page)).toBe('completed')
    await tallShot(page, 'journey-09-run-from-history')

    await goTo(page, 'chat', 'Chat')
    await page.getByTestId('mode-compare').check({ force: true })
    await choose(page.getByTestId('model-0'), 'tiny-demo')
    await page.getByTestId('adapter-kind-0').selectOption('none')
    await page.getByTestId('adapter-kind-1').selectOption('run')
    await page.getByTestId('run-1').selectOption({ label: `#${first} cwe r4` })
    expect(
      await answerSideBySide(page, 'Explain CWE-121 (Stack-based Buffer Overflow).', /tokens\/s/)
    ).toEqual(['tiny-demo', 'tiny-demo + cwe r4'])
    await tallShot(page, 'journey-10-chat-compare')
    mark('chat')

    await fillQuickRun(page, 'cwe r8', 8)
    await tallShot(page, 'journey-11-second-run-form')
    const second = await startFromForm(page)
    await expect.poll(() => runStatus(page), { timeout: RUN_TIMEOUT_MS }).toBe('completed')
    expect(await chartPoints(page, 'train-loss')).toBe(STEPS)
    await tallShot(page, 'journey-12-second-run')
    mark('second run')

    const differing = await compareRuns(page, [first, second], STEPS)
    expect(await page.locator('h1').textContent()).toBe('Compare runs')
    expect(differing).toContain('r')
    expect(differing).not.toContain('maxSteps')
    expect(differing).not.toContain('learningRate')
    expect(await page.locator('[data-setting="r"]').textContent()).toMatch(/4\s*8/)
    await tallShot(page, 'journey-13-compare-runs')
    mark('compare')

    console.info(`journey: ${line()}`)
    expect(session.pageErrors).toEqual([])
  }
})
