// What the packaged app carries: electron-builder packs `dependencies` into app.asar, and
// electron-vite bundles the renderer. So every package main, the engine, the preload and the CLI load
// at run time must be a dependency, and the renderer-only packages must not be (they would ship twice).
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = resolve(import.meta.dirname, '../../..')
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>
  optionalDependencies: Record<string, string>
  devDependencies: Record<string, string>
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name)
    return statSync(full).isDirectory() ? walk(full) : /\.(ts|mts|mjs|js)$/.test(name) ? [full] : []
  })
}

/** Bare package names a file loads at run time (type-only imports excluded). */
function runtimePackages(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  const specs = [
    ...text.matchAll(/^\s*(?:import|export)\s+(?!type\s)[^'"]*?from\s*['"]([^'"]+)['"]/gm),
    ...text.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm),
    ...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
    ...text.matchAll(/\brequire(?:\.resolve)?\(\s*['"]([^'"]+)['"]\s*\)/g)
  ].map((m) => m[1])
  return specs
    .filter((s) => !s.startsWith('.') && !s.startsWith('node:') && !builtinModules.includes(s.split('/')[0]))
    .map((s) => (s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]))
}

describe('packaging', () => {
  it('keeps the renderer-only packages out of dependencies', () => {
    for (const name of ['echarts', 'vue', 'vue-router', 'vue-i18n', 'pinia', 'zrender']) {
      expect(pkg.dependencies[name], name).toBeUndefined()
    }
    for (const name of ['echarts', 'vue', 'vue-router', 'vue-i18n', 'pinia']) {
      expect(pkg.devDependencies[name], name).toBeDefined()
    }
  })

  it('lists every package that main, the engine, the preload and the CLI load as a dependency', () => {
    const files = ['src/main', 'src/engine', 'src/preload', 'src/shared', 'bin'].flatMap((d) =>
      walk(join(root, d))
    )
    const shipped = new Set([...Object.keys(pkg.dependencies), ...Object.keys(pkg.optionalDependencies)])
    const loaded = new Set(files.flatMap(runtimePackages))
    expect(loaded.has('better-sqlite3')).toBe(true)
    expect(loaded.has('@tensorflow/tfjs-core')).toBe(true)
    // electron is the runtime itself: electron-builder supplies it, it is never packed as a module.
    const missing = [...loaded].filter((name) => name !== 'electron' && !shipped.has(name))
    expect(missing).toEqual([])
  })
})
