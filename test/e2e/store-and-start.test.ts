// In a real browser: Settings → Backups lists the backup made at start and stages a restore after a
// confirm (done at the next start, which the card says); and the Train form shows runs.start's
// refusal of a max length beyond the model's context at the Max length field, with no run created;
// the field shows the model's context, the blog recipe's 1024 is brought down to it with a note, and a
// typed value above it is flagged before any Start; the import wizard warns the same way.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { callApi, shot, useSession } from './e2e-harness'
import { choose } from './e2e-steps'

describe('database backups and start refusals in browser mode', () => {
  const session = useSession('lora-studio-e2e-store-')
  let page: Page

  beforeAll(async () => {
    page = session.page
    await page.goto(session.served.url)
  })

  it('lists the backup made at start and stages a restore after a confirm', async () => {
    await page.locator('nav a[data-nav="settings"]').click()
    const card = page.getByTestId('backups')
    await expect.poll(() => card.locator('li[data-file]').count(), { timeout: 30_000 }).toBe(1)
    const file = await card.locator('li[data-file]').getAttribute('data-file')
    expect(file).toMatch(/^studio-.*Z\.db$/)
    await card.locator('li[data-file] button').click()
    await expect
      .poll(() => page.locator('dialog.confirm h2').textContent())
      .toMatch(/^Restore the backup of .+\?$/)
    await page.getByTestId('confirm').click()
    await expect
      .poll(() => page.getByTestId('pending-restore').textContent())
      .toContain(`${file} will replace the database when LoRA Studio next starts. Restart LoRA Studio`)
    await shot(page, 'settings-backups-pending')
    const info = await callApi<{ pendingRestore: string | null }>(page, 'backups.list', {})
    expect(info.pendingRestore).toBe(file)
    await page.getByRole('button', { name: 'Cancel restore' }).click()
    await expect.poll(() => page.getByTestId('pending-restore').count()).toBe(0)
    expect(session.pageErrors).toEqual([])
  })

  it("shows runs.start's refusal of a max length above the model's context at that field", async () => {
    await callApi(page, 'models.createDemo', { size: 'tiny' })
    await callApi(page, 'datasets.addSample', { kind: 'cwe-instructions' })
    await page.locator('nav a[data-nav="train"]').click()
    await page.locator('.train-form').waitFor()
    await page.locator('#train-maxLength').fill('1024')
    await page.getByTestId('start-run').click()
    await expect
      .poll(() => page.locator('#train-maxLength-error').textContent(), { timeout: 30_000 })
      .toBe("1024 is longer than the model's context (n_positions 256); set it to 256 or less")
    // Shown once, at the field: the banner only points there.
    expect(await page.getByTestId('start-error').count()).toBe(0)
    expect(await page.getByTestId('fix-fields').textContent()).toContain('Some settings need fixing')
    await shot(page, 'train-max-length-refused')
    // Fixing the field takes its error away, and the banner with it.
    await page.locator('#train-maxLength').fill('256')
    await expect.poll(() => page.locator('#train-maxLength-error').count()).toBe(0)
    expect(await page.getByTestId('fix-fields').count()).toBe(0)
    expect(await callApi<unknown[]>(page, 'runs.list', {})).toEqual([])
  })

  it("shows the model's context at Max length, brings the blog recipe down to it, flags a typed value at once", async () => {
    await page.locator('nav a[data-nav="settings"]').click()
    await page.locator('nav a[data-nav="train"]').click()
    await page.locator('.train-form').waitFor()
    await expect
      .poll(() => page.locator('#train-maxLength-help').textContent())
      .toContain("This model's context: 256 tokens.")
    await page.locator('[data-preset="gpt2-blog-recipe"] input').check()
    expect(await page.locator('#train-maxLength').inputValue()).toBe('256')
    expect((await page.getByTestId('context-fit').textContent())?.trim()).toBe(
      "Max length 1024 → 256, the model's context."
    )
    expect(await page.locator('#train-maxLength-error').count()).toBe(0)
    await shot(page, 'train-max-length-fitted')
    await page.locator('#train-maxLength').fill('300')
    await expect
      .poll(() => page.locator('#train-maxLength-error').textContent())
      .toBe("300 is longer than the model's context (n_positions 256); set it to 256 or less")
    expect(await page.getByTestId('context-fit').count()).toBe(0)
    await shot(page, 'train-max-length-flagged')
    expect(await callApi<unknown[]>(page, 'runs.list', {})).toEqual([])
    expect(session.pageErrors).toEqual([])
  })

  it("warns in the import wizard when max length is above the tokenizer model's context, and says when unchecked", async () => {
    const file = join(session.dataDir, 'seed.json')
    writeFileSync(file, '{"text": "栈溢出会覆盖返回地址。"}\n{"text": "A stack overflow."}\n')
    await page.locator('nav a[data-nav="datasets"]').click()
    await page.getByTestId('open-wizard').click()
    await page.getByTestId('paths-input').fill(file)
    await page.getByTestId('inspect').click()
    await page.getByTestId('detected-format').waitFor()
    const note = page.getByTestId('max-length-context')
    expect(await note.textContent()).toContain('Not checked against a model’s context')
    await choose(page.locator('#tokenizer'), 'tiny-demo')
    await expect
      .poll(() => note.textContent())
      .toContain(
        '1024 is above tiny-demo’s context (256 tokens): training on it will need max length 256 or less.'
      )
    expect(await note.getAttribute('data-over')).toBe('true')
    await shot(page, 'import-max-length-over-context')
    await page.locator('#max-length').fill('256')
    await expect.poll(() => note.textContent()).toContain('Within tiny-demo’s context (256 tokens).')
    expect(session.pageErrors).toEqual([])
  })
})
