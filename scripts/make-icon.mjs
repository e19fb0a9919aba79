#!/usr/bin/env node
// Renders resources/icon.svg to resources/icon.png (512×512, transparent corners) with Debian's
// Chromium, for electron-builder (it derives .ico and .icns from the PNG) and the Linux window icon.
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { chromium } from 'playwright-core'

const root = resolve(import.meta.dirname, '..')
const svg = readFileSync(join(root, 'resources', 'icon.svg'), 'utf8')
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--headless=new', '--disable-gpu']
})
try {
  const page = await browser.newPage({ viewport: { width: 512, height: 512 }, deviceScaleFactor: 1 })
  await page.setContent(
    `<html><body style="margin:0;background:transparent">${svg.replace('<svg ', '<svg style="display:block" ')}</body></html>`
  )
  await page.screenshot({ path: join(root, 'resources', 'icon.png'), omitBackground: true })
} finally {
  await browser.close()
}
console.log('wrote resources/icon.png')
