#!/usr/bin/env node
// Estimates how much of node_modules the packaged app carries: the production dependency tree of
// package-lock.json (entries neither dev nor devOptional, so Electron and the renderer's bundled
// packages are out), summed with `du -b` over what is installed here. Optional packages that are not
// installed (tfjs-node-gpu, other platforms' binaries) are counted as missing, not guessed.
//   node scripts/measure-app-size.mjs
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..')
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'))
const prod = Object.entries(lock.packages).filter(
  ([path, entry]) => path !== '' && !entry.dev && !entry.devOptional
)
const present = prod.map(([path]) => path).filter((path) => existsSync(join(root, path)))

/** Bytes of the given folders, each file counted once (du skips folders it has already seen). */
function bytes(paths) {
  if (paths.length === 0) return 0
  const out = execFileSync('du', ['-scb', ...paths.map((p) => join(root, p))], { encoding: 'utf8' })
  return Number(out.trim().split('\n').at(-1).split('\t')[0])
}

/** The top-level package a lock path belongs to: node_modules/a/node_modules/b → a. */
function topPackage(path) {
  const parts = path.split('/').slice(1)
  return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]
}

const byPackage = new Map()
for (const path of present)
  byPackage.set(topPackage(path), [...(byPackage.get(topPackage(path)) ?? []), path])
const mb = (n) => `${(n / 1e6).toFixed(1)} MB`
const sizes = [...byPackage].map(([name, paths]) => [name, bytes(paths)]).sort((a, b) => b[1] - a[1])
console.log(
  `production dependencies: ${present.length} of ${prod.length} lock entries installed, ${mb(bytes(present))}`
)
for (const [name, size] of sizes.slice(0, 12)) console.log(`  ${name.padEnd(36)} ${mb(size)}`)
const missing = prod.length - present.length
if (missing > 0) console.log(`  (${missing} optional entries not installed on this machine are not counted)`)
