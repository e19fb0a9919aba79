// Continue from, in a real browser: a run's checkpoint chosen with "Continue from here" fills the Train
// form with the adapter's r, alpha, target modules, base model and template and locks them (the form
// used to keep its own r and start a run that failed); the continued run links its parent, the Runs
// table says where it came from, the API refuses another r in words without making a run, and Compare
// lays the two runs end to end on one step axis.
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DatasetDetail } from '../../src/shared/datasets'
import type { ModelSummary } from '../../src/shared/models'
import type { RunDetail, RunSummary } from '../../src/shared/runs'
import { callApi, closeSession, openSession, shot, tallShot, type Session } from './e2e-harness'

const RUN_TIMEOUT_MS = 240_000

describe('Continue from in browser mode', () => {
  let session: Session
  let page: Page
  let parent: RunDetail
  let child = 0
  const open = (hash: string) => page.goto(`${session.served.url.split('#')[0]}#${hash}`)
  const status = () => page.getByTestId('run-status').getAttribute('data-status')

  beforeAll(async () => {
    session = await openSession('lora-studio-e2e-continue-')
    page = session.page
    await open('/runs')
    await page.locator('h1').waitFor()
    const [model, dataset] = await Promise.all([
      callApi<ModelSummary>(page, 'models.createDemo', { size: 'tiny' }),
      callApi<DatasetDetail>(page, 'datasets.addSample', { kind: 'cwe-instructions' })
    ])
    parent = await callApi<RunDetail>(page, 'runs.start', {
      name: 'r8 parent',
      preset: 'quick-test',
      config: {
        baseModel: model.path,
        data: { kind: 'dataset', id: dataset.id },
        template: 'alpaca',
        maxSteps: 4,
        saveEvery: 2,
        lora: { r: 8, alpha: 16, targetModules: ['attn.c_attn', 'attn.c_proj'] }
      }
    })
  })

  afterAll(async () => {
    await closeSession(session)
  })

  it('"Continue from here" on a checkpoint locks the fields the adapter fixes, and says where they came from', async () => {
    await open(`/runs/${parent.id}`)
    await expect.poll(status, { timeout: RUN_TIMEOUT_MS }).toBe('completed')
    await page.locator('[data-continue-step="2"]').click()
    await page.getByTestId('continue-locked').waitFor()
    expect(await page.getByTestId('continue-locked').textContent()).toContain(
      'r 8, alpha 16, target modules, rsLoRA, base model, prompt template come from run #1 r8 parent at step 2 and are locked'
    )
    expect(await page.locator('#train-r').inputValue()).toBe('8')
    expect(await page.locator('#train-r').isDisabled()).toBe(true)
    expect(await page.locator('#train-alpha').inputValue()).toBe('16')
    expect(await page.locator('#train-alpha').isDisabled()).toBe(true)
    expect(await page.locator('#train-dropout').isDisabled()).toBe(false)
    expect(await page.locator('[data-target="attn.c_proj"]').isChecked()).toBe(true)
    expect(await page.locator('[data-target="attn.c_proj"]').isDisabled()).toBe(true)
    expect(await page.locator('#train-model').isDisabled()).toBe(true)
    expect(await page.locator('#train-template').inputValue()).toBe('alpaca')
    expect(await page.locator('#train-template').isDisabled()).toBe(true)
    expect(await page.locator('#train-init-adapter').inputValue()).toBe(`run:${parent.id}:2`)
    // A preset changes the optimizer and the duration, not what the adapter fixes.
    await page.locator('[data-preset="gpt2-blog-recipe"] input').check()
    expect(await page.locator('#train-r').inputValue()).toBe('8')
    await tallShot(page, 'continue-01-locked-form')
  })

  it('starts the continued run, which links the run and step it came from', async () => {
    await page.locator('[data-preset="quick-test"] input').check()
    await page.locator('#train-maxSteps').fill('4')
    await page.locator('#train-name').fill('continued at 2')
    await page.getByTestId('start-run').click()
    await expect.poll(() => page.url(), { timeout: 60_000 }).toMatch(/#\/runs\/\d+$/)
    child = Number(/#\/runs\/(\d+)$/.exec(page.url())![1])
    await expect.poll(status, { timeout: RUN_TIMEOUT_MS }).toBe('completed')
    const lineage = await page.getByTestId('continued-from').textContent()
    expect(lineage?.replace(/\s+/g, ' ').trim()).toBe('Continued from #1 r8 parent at step 2')
    const run = await callApi<RunDetail>(page, 'runs.get', { id: child })
    expect(run).toMatchObject({ parentRunId: parent.id, parentStep: 2, status: 'completed' })
    expect(run.config.lora).toMatchObject({ r: 8, alpha: 16 })
    await shot(page, 'continue-02-run-lineage')
    await page.locator('nav a[data-nav="runs"]').click()
    const link = page.locator(`tr[data-run-id="${child}"] [data-parent="${parent.id}"]`)
    await link.waitFor()
    expect((await link.textContent())?.replace(/\s+/g, ' ').trim()).toBe('#1 @2')
    await shot(page, 'continue-03-runs-column')
  })

  it('the API refuses r 4 for the r 8 adapter in words, and makes no run', async () => {
    const err = await callApi(page, 'runs.start', {
      continueFrom: parent.id,
      config: { data: parent.config.data, lora: { r: 4 }, maxSteps: 2 }
    }).then(
      () => null,
      (e: unknown) => e
    )
    expect(String(err)).toContain('has LoRA r 8, alpha 16 on attn.c_attn, attn.c_proj')
    expect(String(err)).toContain('this run asks lora.r 4')
    expect((await callApi<RunSummary[]>(page, 'runs.list', {})).length).toBe(2)
  })

  it('Compare lays the chain end to end on one step axis', async () => {
    await open(`/runs/compare?ids=${parent.id},${child}`)
    const chart = page.locator('[data-chart="compare-train-loss"]')
    await chart.waitFor()
    await expect.poll(() => chart.getAttribute('data-first-steps')).toBe('1,1')
    await page.getByTestId('as-chain').check()
    // The child's first step comes after step 2 of its parent, where it was continued.
    await expect.poll(() => chart.getAttribute('data-first-steps')).toBe('1,3')
    await shot(page, 'continue-04-compare-chain')
  })

  it('shows the locked note in Chinese', async () => {
    await callApi(page, 'settings.update', { language: 'zh-CN' })
    await open(`/train?continue=${parent.id}&step=2`)
    await page.reload()
    await page.getByTestId('continue-locked').waitFor()
    expect(await page.getByTestId('continue-locked').textContent()).toContain('已锁定')
    await shot(page, 'continue-05-locked-zh')
  })
})
