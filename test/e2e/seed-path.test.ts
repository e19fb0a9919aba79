// The seed's path (issue 13), in Chromium against browser mode, in English and in Chinese: a folder of
// .json files — JSON arrays of {"text"} and JSON-lines, Chinese and English blog posts — imported through
// the wizard → a run from the GPT-2 blog recipe on the tiny demo model (1024 brought to its context) →
// continued on a second dataset (r, alpha, targets locked) → r 8 beside r 16 in Compare → an SFT dataset
// whose preview joins Chinese characters → base vs adapter in Evaluate → Chat's Compare with each pane's
// base following its adapter → export PEFT and merged, the merged model listed under Models.
// One screenshot per step: test-output/e2e/seed-path-<locale>-NN-<step>.png.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ModelSummary } from '../../src/shared/models'
import { callApi, tallShot, useSession } from './e2e-harness'
import {
  answerSideBySide,
  choose,
  compareRuns,
  evaluationRows,
  goTo,
  shotOnFailure,
  stopwatch,
  wizardPreview,
  wizardSave,
  wizardValidation
} from './e2e-steps'
import { chartPoints, runStatus, startFromForm } from './run-page'

const STEPS = 3
const RUN_TIMEOUT_MS = 240_000

const english = [
  'Stack canaries sit between local buffers and the saved return address; an overflow that reaches the return address must first overwrite the canary, and the check before return aborts the process.',
  'Format string bugs let an attacker read the stack with %x and write anywhere with %n when user input reaches printf as the format argument.',
  'Use-after-free happens when a pointer is kept after the allocation it points to is released; a later allocation of the same size can then be controlled by the attacker.',
  'Return-oriented programming chains short instruction sequences ending in ret to run code without injecting any, which defeats a non-executable stack.',
  'Heap spraying fills memory with copies of a payload so that a corrupted pointer is likely to land on one of them.'
]
const chinese = [
  '栈溢出是最常见的内存破坏漏洞之一。函数把用户输入复制到固定大小的缓冲区时没有检查长度，攻击者就可以覆盖返回地址，从而劫持控制流。',
  '地址空间布局随机化让每次运行时库和栈的位置都不同，攻击者很难预测跳转目标，但信息泄露往往能绕过它。',
  '在逆向分析中，先找到危险函数的调用点，再回溯参数的来源，是定位漏洞最快的方法。',
  '模糊测试通过大量随机输入触发程序崩溃，配合地址消毒器可以精确地报告越界访问的位置。',
  '整数溢出会让长度检查失效，随后的内存分配过小，复制时就越界写入了堆。'
]

/** The seed's layout: two JSON arrays of {"text"} and two JSON-lines files, all named .json. */
function writeBlogFolder(folder: string): number {
  const array = (texts: string[]) =>
    JSON.stringify(
      texts.map((text) => ({ text })),
      null,
      2
    )
  const lines = (texts: string[]) => texts.map((text) => JSON.stringify({ text })).join('\n') + '\n'
  writeFileSync(join(folder, 'blog-en-1.json'), array(english.slice(0, 2)))
  writeFileSync(join(folder, 'blog-zh-1.json'), array(chinese.slice(0, 2)))
  writeFileSync(join(folder, 'cyber_security2.json'), lines(english.slice(2)))
  writeFileSync(join(folder, '安全笔记.json'), lines(chinese.slice(2)))
  return 2 + 2 + 3 + 3
}

const sft = [
  { instruction: 'What is a stack canary?', input: '', output: 'A value checked before return.' },
  { instruction: '什么是栈溢出？', input: '', output: '写入超过缓冲区的末尾。' },
  { instruction: 'Translate to Chinese', input: 'buffer overflow', output: '缓冲区溢出' },
  { instruction: '如何防御格式化字符串漏洞？', input: '', output: '不要把用户输入当作格式参数。' }
]

const locales = [
  { locale: 'en', fitted: "Max length 1024 → 256, the model's context.", speed: /[\d.]+ tokens\/s/ },
  { locale: 'zh-CN', fitted: '最大长度 1024 → 256，即模型的上下文长度。', speed: /每秒 [\d.]+ 个/ }
] as const

describe.each(locales)('the seed’s path in $locale', ({ locale, fitted, speed }) => {
  const session = useSession('lora-studio-e2e-seed-path-')
  let page: Page
  let folder: string
  let n = 0
  const step = (name: string) => tallShot(page, `seed-path-${locale}-${String(++n).padStart(2, '0')}-${name}`)

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'lora-studio-e2e-seed-'))
    page = session.page
    await page.goto(session.served.url)
    await page.locator('h1').waitFor()
    await callApi(page, 'settings.update', { language: locale })
    await page.reload()
    await page.locator('h1').waitFor()
  })

  afterAll(async () => {
    if (folder) rmSync(folder, { recursive: true, force: true })
  })

  it('walks from a folder of .json files to a merged model', async () => {
    await shotOnFailure(page, `seed-path-${locale}-99-failed`, walk)
  })

  async function walk(): Promise<void> {
    const { mark, line } = stopwatch()

    // 0. The tiny demo model.
    await goTo(page, 'models')
    await page.getByTestId('empty-create-demo').click()
    await page.getByTestId('model-added').waitFor({ timeout: 60_000 })

    // 1. The folder of mixed .json files, every file read.
    const blog = join(folder, 'blog')
    const part2 = join(folder, 'part2')
    mkdirSync(blog)
    mkdirSync(part2)
    const blogRecords = writeBlogFolder(blog)
    writeFileSync(
      join(part2, 'part2.json'),
      english
        .concat(chinese)
        .map((text) => JSON.stringify({ text: text + ' ' + text }))
        .join('\n')
    )
    expect(await wizardPreview(page, blog)).toBe('text')
    await wizardValidation(page)
    const counts = page.locator('.report-counts dd')
    expect((await counts.nth(0).textContent())?.trim()).toBe('4')
    expect((await counts.nth(1).textContent())?.trim()).toBe(String(blogRecords))
    expect((await counts.nth(2).textContent())?.trim()).toBe(String(blogRecords))
    expect((await counts.nth(3).textContent())?.trim()).toBe('0')
    expect(await page.getByTestId('problems').count()).toBe(0)
    await step('import-folder')
    await wizardSave(page, 'blog posts', 25)
    const row = page.getByTestId('dataset-table').locator('tbody tr', { hasText: 'blog posts' })
    expect((await row.getByTestId('record-count').textContent())?.trim()).toMatch(
      new RegExp(`^${blogRecords}\\s`)
    )
    await wizardPreview(page, part2)
    await wizardValidation(page)
    await wizardSave(page, 'blog part 2', 25)
    await step('datasets')
    mark('import')

    // 2. The blog recipe on the demo model: 1024 brought to the model's context, with a note.
    await goTo(page, 'train')
    await page.locator('[data-preset="gpt2-blog-recipe"] input').check()
    await choose(page.locator('#train-model'), 'tiny-demo')
    await choose(page.locator('#train-dataset'), 'blog posts')
    await expect.poll(() => page.getByTestId('context-fit').textContent()).toBe(fitted)
    expect(await page.locator('#train-maxLength').inputValue()).toBe('256')
    expect(await page.locator('#train-r').inputValue()).toBe('16')
    await page.locator('#train-name').fill('blog r16')
    await page.locator('#train-maxSteps').fill(String(STEPS))
    await step('blog-recipe')
    const r16 = await startFromForm(page)
    await expect.poll(() => runStatus(page), { timeout: RUN_TIMEOUT_MS }).toBe('completed')
    expect(await chartPoints(page, 'train-loss')).toBe(STEPS)
    await step('blog-run')
    mark('blog run')

    // 3. Continue on the second dataset: the adapter's r, alpha and targets locked.
    await page.getByTestId('continue-final').click()
    await page.getByTestId('continue-locked').waitFor()
    expect(await page.locator('#train-r').inputValue()).toBe('16')
    expect(await page.locator('#train-r').isDisabled()).toBe(true)
    expect(await page.locator('#train-alpha').inputValue()).toBe('32')
    expect(await page.locator('#train-alpha').isDisabled()).toBe(true)
    expect(await page.locator('[data-target="attn.c_proj"]').isDisabled()).toBe(true)
    await choose(page.locator('#train-dataset'), 'blog part 2')
    await page.locator('#train-name').fill('blog part 2')
    await page.locator('#train-maxSteps').fill(String(STEPS))
    await step('continue-locked')
    await startFromForm(page)
    await expect.poll(() => runStatus(page), { timeout: RUN_TIMEOUT_MS }).toBe('completed')
    expect(await page.getByTestId('continued-from').textContent()).toContain(`#${r16} blog r16`)
    mark('continued')

    // 4. r 8 beside r 16.
    await goTo(page, 'train')
    await page.locator('#train-init-adapter').selectOption('fresh')
    await page.locator('[data-preset="gpt2-blog-recipe"] input').check()
    await choose(page.locator('#train-dataset'), 'blog posts')
    await page.locator('#train-r').fill('8')
    await page.locator('#train-name').fill('blog r8')
    await page.locator('#train-maxSteps').fill(String(STEPS))
    const r8 = await startFromForm(page)
    await expect.poll(() => runStatus(page), { timeout: RUN_TIMEOUT_MS }).toBe('completed')
    const differing = await compareRuns(page, [r16, r8], STEPS)
    expect(differing).toContain('r')
    expect(differing).not.toContain('maxLength')
    expect(await page.locator('[data-setting="r"]').textContent()).toMatch(/16\s*8/)
    await step('compare-r8-r16')
    mark('compare')

    // 5. An SFT dataset: inline tokens, Chinese joined, the mask boundary shown.
    const sftFile = join(folder, 'sft.jsonl')
    writeFileSync(sftFile, sft.map((r) => JSON.stringify(r)).join('\n') + '\n')
    expect(await wizardPreview(page, sftFile)).toBe('instruction')
    const sample = page.getByTestId('preview-sample').nth(1)
    const tokens = sample.getByTestId('mask-tokens')
    expect((await tokens.textContent()) ?? '').not.toContain('\uFFFD')
    const joined = tokens.locator('[data-count]', { hasText: /[\u4e00-\u9fff]/ })
    expect(Number(await joined.first().getAttribute('data-count'))).toBeGreaterThan(1)
    expect((await joined.first().textContent())?.trim()).toMatch(/^[\u4e00-\u9fff？]+$/)
    expect(await sample.getByTestId('mask-boundary').count()).toBe(1)
    await sample.scrollIntoViewIfNeeded()
    await step('sft-preview')
    await wizardValidation(page)
    await wizardSave(page, 'security SFT', 25)
    mark('sft')

    // 6. Base vs adapter on the blog's validation split.
    await page.goto(`${session.served.url.split('#')[0]}#/runs/${r16}`)
    const panel = page.getByTestId('evaluate-panel')
    await panel.waitFor()
    await page.locator('[data-evaluate-row="final"]').check()
    await page.getByTestId('evaluate-start').click()
    const rows = await evaluationRows(page)
    expect(rows.length).toBe(2)
    for (const cells of rows) {
      expect(Number(cells[1])).toBeGreaterThan(0)
      expect(Number(cells[2])).toBeCloseTo(Math.exp(Number(cells[1])), -1)
    }
    await page.getByTestId('evaluation').scrollIntoViewIfNeeded()
    await step('evaluate')
    mark('evaluate')

    // 7. Chat side by side: another model first, each pane's base follows the adapter chosen.
    const other = await callApi<ModelSummary>(page, 'models.createDemo', { size: 'small-test' })
    await page.reload()
    await goTo(page, 'chat')
    await page.getByTestId('mode-compare').check({ force: true })
    const models = await callApi<ModelSummary[]>(page, 'models.list', {})
    const demo = models.find((m) => m.name === 'tiny-demo')!
    for (const [pane, run, name] of [
      [0, r16, 'blog r16'],
      [1, r8, 'blog r8']
    ] as const) {
      await page.getByTestId(`model-${pane}`).selectOption(String(other.id))
      await page.getByTestId(`adapter-kind-${pane}`).selectOption('run')
      await page.getByTestId(`run-${pane}`).selectOption({ label: `#${run} ${name}` })
      await expect.poll(() => page.getByTestId(`model-${pane}`).inputValue()).toBe(String(demo.id))
    }
    expect(await answerSideBySide(page, '栈溢出 and the return address', speed)).toEqual([
      'tiny-demo + blog r16',
      'tiny-demo + blog r8'
    ])
    expect(await page.getByTestId('compare-error').count()).toBe(0)
    await step('chat-compare')
    mark('chat')

    // 8. Export PEFT, then merged: the merged model is listed under Models.
    await page.goto(`${session.served.url.split('#')[0]}#/runs/${r16}`)
    for (const format of ['peft', 'merged'] as const) {
      await page.getByTestId('export-final').click()
      await page.locator('dialog[open] #export-folder').waitFor()
      await page.locator(`dialog[open] input[value="${format}"]`).check()
      const out = join(session.dataDir, 'exports', `seed-${format}`)
      await page.locator('#export-folder').fill(out)
      await page.getByTestId('export-start').click()
      await expect
        .poll(() => page.getByTestId('export-done').textContent(), { timeout: 120_000 })
        .toContain(out)
      expect(await page.locator('dialog[open]').count()).toBe(0)
    }
    await step('exported')
    await goTo(page, 'models')
    const table2 = page.getByTestId('model-table')
    await expect.poll(() => table2.locator('tbody tr').count()).toBe(3)
    const listed = await callApi<ModelSummary[]>(page, 'models.list', {})
    const merged = listed.find((m) => m.id !== demo.id && m.id !== other.id)!
    expect(merged.name).toBe('blog-r16-merged')
    expect(await table2.locator(`tr[data-model-id="${merged.id}"]`).textContent()).toContain(
      'blog-r16-merged'
    )
    await step('merged-model')
    mark('export')

    console.info(`seed path ${locale}: ${line()}`)
    expect(session.pageErrors).toEqual([])
  }
})
