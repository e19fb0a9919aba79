#!/usr/bin/env node
// better-sqlite3 is a native module built for one ABI at a time: Node's (tests, CLI, browser
// mode) or Electron's (the desktop app). This rebuilds it for the one about to run, if needed.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

const target = process.argv[2]
const quiet = process.argv.includes('--quiet')
if (target !== 'node' && target !== 'electron') {
  console.error('usage: native-abi.mjs node|electron [--quiet]')
  process.exit(2)
}
const require = createRequire(import.meta.url)
const moduleDir = dirname(require.resolve('better-sqlite3/package.json'))
const marker = join(moduleDir, 'build', 'lora-studio-abi')
const current = existsSync(marker) ? readFileSync(marker, 'utf8').trim() : 'node'
const log = (msg) => quiet || console.error(`[native-abi] ${msg}`)

function loadsUnderNode() {
  const r = spawnSync(process.execPath, ['-e', "new (require('better-sqlite3'))(':memory:').close()"], {
    cwd: process.cwd(),
    encoding: 'utf8'
  })
  return r.status === 0
}

if (target === 'node') {
  if (current === 'node' && loadsUnderNode()) process.exit(0)
  log('rebuilding better-sqlite3 for Node ' + process.version)
  execFileSync('npm', ['rebuild', 'better-sqlite3'], { stdio: quiet ? 'ignore' : 'inherit' })
  if (!loadsUnderNode()) {
    console.error(
      'better-sqlite3 still does not load under Node; run `npm rebuild better-sqlite3` and read its output'
    )
    process.exit(1)
  }
  writeFileSync(marker, 'node\n')
} else {
  let electronPath
  try {
    electronPath = require('electron')
  } catch {
    electronPath = ''
  }
  if (!electronPath || !existsSync(electronPath)) {
    console.error(
      'The Electron binary is not installed (it may have been skipped with ELECTRON_SKIP_BINARY_DOWNLOAD).\n' +
        'Run `node node_modules/electron/install.js` with network access, or use browser mode: `npm run serve`.'
    )
    process.exit(1)
  }
  if (current === 'electron') process.exit(0)
  log('rebuilding better-sqlite3 for Electron')
  execFileSync('npx', ['electron-builder', 'install-app-deps'], { stdio: 'inherit' })
  writeFileSync(marker, 'electron\n')
}
