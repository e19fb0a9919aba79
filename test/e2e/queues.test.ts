// A run queue in a real browser: two datasets chosen in order on the Train page ("Train on several
// datasets in sequence", reordered), started as one queue, shown on the Runs page with each run's state
// and link, paused and resumed from its panel, and finished with the second run continuing the first.
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunQueue } from '../../src/shared/queues'
import type { RunDetail } from '../../src/shared/runs'
import { callApi, closeSession, openSession, shot, tallShot, type Session } from './e2e-harness'

const RUN_TIMEOUT_MS = 240_000

const itemNames = (page: Page) => page.getByTestId('sequence-item').allTextContents()
const queueStatus = (page: Page) => page.getByTestId('queue-status').first().getAttribute('data-status')

describe('a queue of runs in browser mode', () => {
  let session: Session, page: Page

  beforeAll(async () => {
    session = await openSession('lora-studio-e2e-queues-')
    page = session.page
    await page.goto(session.served.url)
    await page.locator('h1').waitFor()
    await callApi(page, 'models.createDemo', { size: 'tiny' })
    for (const name of ['part one', 'part two']) {
      await callApi(page, 'datasets.addSample', { kind: 'cwe-instructions', name })
    }
  })
  afterAll(() => closeSession(session))

  it('chooses two datasets in order on the Train page and starts them as a queue', async () => {
    await page.locator('nav a[data-nav="train"]').click()
    await page.locator('.train-form').waitFor()
    const partOne = await page.locator('#train-dataset option', { hasText: 'part one' }).textContent()
    await page.locator('#train-dataset').selectOption({ label: partOne!.trim() })
    await page.getByTestId('sequence-on').check()
    expect(await itemNames(page)).toEqual([expect.stringMatching(/^1\. part one/)])
    await page.getByTestId('sequence-add').selectOption({ label: 'part two' })
    await page.getByRole('button', { name: 'Add', exact: true }).click()
    expect(await itemNames(page)).toEqual([
      expect.stringMatching(/^1\. part one/),
      expect.stringMatching(/^2\. part two/)
    ])
    // Reordered: part two first, and the form's dataset (which the estimate uses) follows.
    await page.getByRole('button', { name: 'Move part one down' }).click()
    expect(await itemNames(page)).toEqual([
      expect.stringMatching(/^1\. part two/),
      expect.stringMatching(/^2\. part one/)
    ])
    expect(await page.locator('#train-dataset option:checked').textContent()).toMatch(/^part two/)
    await page.locator('#train-maxSteps').fill('30')
    await page.locator('#train-name').fill('cwe in order')
    expect(await page.getByTestId('start-run').textContent()).toContain('Start 2 runs in sequence')
    await tallShot(page, 'queues-01-train-sequence')
    await page.getByTestId('start-run').click()
    await expect.poll(() => page.url(), { timeout: 60_000 }).toMatch(/#\/runs$/)
    await page.getByTestId('run-queue').first().waitFor()
    expect(await page.locator('.queue-name').first().textContent()).toBe('cwe in order')
    expect(await page.getByTestId('queue-item').allTextContents()).toEqual([
      expect.stringMatching(/^1\. part two.*run #\d+/),
      expect.stringMatching(/^2\. part one\s*Not started/)
    ])
  })

  it('pauses and resumes the queue from its panel, then finishes both runs in order', async () => {
    const [queue] = await callApi<RunQueue[]>(page, 'queues.list', {})
    const firstRun = queue.items[0].runId!
    await expect
      .poll(async () => (await callApi<RunDetail>(page, 'runs.get', { id: firstRun })).step, {
        timeout: 60_000
      })
      .toBeGreaterThan(0)
    await page.getByTestId('queue-pause').click()
    await expect.poll(() => queueStatus(page), { timeout: 60_000 }).toBe('paused')
    await expect.poll(() => page.getByTestId('queue-resume').count()).toBe(1)
    // The item follows its run to paused once the run has written its pause checkpoint.
    const firstItem = page.getByTestId('queue-item').first().locator('.run-status')
    await expect.poll(() => firstItem.getAttribute('data-status'), { timeout: 60_000 }).toBe('paused')
    await shot(page, 'queues-02-paused')
    await page.getByTestId('queue-resume').click()
    await expect.poll(() => queueStatus(page), { timeout: 30_000 }).toBe('running')
    await expect.poll(() => queueStatus(page), { timeout: RUN_TIMEOUT_MS, interval: 1000 }).toBe('completed')
    const done = await callApi<RunQueue>(page, 'queues.get', { id: queue.id })
    expect(done.items.map((i) => i.status)).toEqual(['completed', 'completed'])
    const second = await callApi<RunDetail>(page, 'runs.get', { id: done.items[1].runId! })
    expect(second.parentRunId).toBe(firstRun)
    expect(await page.getByTestId('queue-pause').count()).toBe(0)
    await page.locator('.queue-items a').nth(1).click()
    await expect.poll(() => page.url()).toMatch(new RegExp(`#/runs/${second.id}$`))
    await shot(page, 'queues-03-second-run')
    expect(session.pageErrors).toEqual([])
  })
})
