#!/usr/bin/env node
// Enforces the import rules of docs/ARCHITECTURE.md: shared imports nothing of ours (nor Node/Electron/
// Vue), engine imports only shared, renderer only shared and itself, and only the shell imports electron.
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'

const root = resolve(import.meta.dirname, '..')
const src = join(root, 'src')
const shellFiles = (rel) =>
  rel === 'main/index.ts' || rel.startsWith('main/shell/') || rel.startsWith('preload/')

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name)
    return statSync(full).isDirectory() ? walk(full) : /\.(ts|vue)$/.test(name) ? [full] : []
  })
}

const importRe =
  /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|import\s+['"]([^'"]+)['"]/g
const problems = []
for (const file of walk(src)) {
  const rel = relative(src, file).split(sep).join('/')
  const layer = rel.split('/')[0]
  const text = readFileSync(file, 'utf8')
  for (const m of text.matchAll(importRe)) {
    const spec = m[1] ?? m[2] ?? m[3]
    let targetLayer = null
    if (spec.startsWith('.')) {
      targetLayer = relative(src, resolve(dirname(file), spec)).split(sep)[0]
    } else if (spec.startsWith('@shared')) {
      targetLayer = 'shared'
    }
    const bad = (why) => problems.push(`${rel}: imports '${spec}' — ${why}`)
    if (spec === 'electron' && !shellFiles(rel))
      bad('only src/main/index.ts, src/main/shell/ and src/preload/ may import electron')
    if (layer === 'shared') {
      if (targetLayer && targetLayer !== 'shared') bad('src/shared imports nothing of ours')
      if (!spec.startsWith('.') && spec !== 'zod') bad('src/shared may import only zod')
    }
    if (layer === 'engine' && targetLayer && !['engine', 'shared'].includes(targetLayer))
      bad('src/engine imports only src/shared')
    if (layer === 'engine' && ['better-sqlite3', 'vue', 'electron'].includes(spec))
      bad('src/engine runs without Electron, SQLite or Vue')
    if (layer === 'renderer' && targetLayer && !['renderer', 'shared'].includes(targetLayer))
      bad('src/renderer imports only src/shared and itself')
    if (layer === 'renderer' && spec.startsWith('node:')) bad('the renderer has no Node')
    if (layer === 'preload' && targetLayer && !['preload', 'shared'].includes(targetLayer))
      bad('src/preload imports only src/shared')
  }
}
if (problems.length) {
  console.error(
    `Import rules (docs/ARCHITECTURE.md) broken in ${problems.length} place(s):\n` + problems.join('\n')
  )
  process.exit(1)
}
console.log('import rules: ok')
