// Where the app's entries are (the engine process, the gradient and tokenize worker threads, the
// preload), whichever way the code runs: from the TypeScript sources under tsx or vitest (the CLI,
// `npm run serve`, the tests), from electron-vite's out/main (the desktop app, where shared code may
// sit in out/main/chunks/), or from one esbuild bundle with the worker bundles beside it (the bench
// pack). electron-vite's `?modulePath` imports would cover only out/main: tsx, vitest and esbuild do
// not know the suffix (they would load the module itself), so every entry is found here instead.
import { createRequire } from 'node:module'
import { basename, dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

export type EntryName = 'engine' | 'gradient-worker' | 'tokenize-worker' | 'preload'

/** Each entry's source under src/ (what electron.vite.config.ts builds it from). */
const sources: Record<EntryName, string> = {
  engine: 'engine/engine-process.ts',
  'gradient-worker': 'engine/training/gradient-worker.ts',
  'tokenize-worker': 'main/datasets/tokenize-worker.ts',
  preload: 'preload/index.ts'
}

/** Each entry's bundle, relative to the folder of main's bundles (out/main, or the bench pack). */
const bundles: Record<EntryName, string> = {
  engine: 'engine.js',
  'gradient-worker': 'gradient-worker.js',
  'tokenize-worker': 'tokenize-worker.js',
  preload: '../preload/index.cjs'
}

/** Where Rollup puts code shared by several of main's entries (electron-vite's chunkFileNames). */
const CHUNKS_DIR = 'chunks'

/** Worker threads do not inherit tsx's loader: from source they start here, which registers it first. */
const TS_WORKER_BOOTSTRAP = 'engine/training/ts-worker-bootstrap.mjs'

export interface EntryLayout {
  /** True when this code runs as TypeScript source; `root` is then src/, else the bundles' folder. */
  fromSource: boolean
  root: string
}

/** The layout this module runs in (`moduleUrl`: for tests, where it would be). */
export function entryLayout(moduleUrl: string = import.meta.url): EntryLayout {
  const here = fileURLToPath(moduleUrl)
  if (here.endsWith('.ts')) return { fromSource: true, root: resolve(dirname(here), '..') }
  const dir = dirname(here)
  return { fromSource: false, root: basename(dir) === CHUNKS_DIR ? dirname(dir) : dir }
}

/** The file that starts entry `name`: its .ts source, or its bundle. */
export function entryFile(name: EntryName, layout: EntryLayout = entryLayout()): string {
  return layout.fromSource ? join(layout.root, sources[name]) : join(layout.root, bundles[name])
}

/** How to start a worker-thread entry: its bundle, or from source the tsx bootstrap with the .ts entry. */
export function workerStart(
  name: 'gradient-worker' | 'tokenize-worker',
  layout: EntryLayout = entryLayout()
): { file: string; workerData?: { tsEntry: string } } {
  if (!layout.fromSource) return { file: entryFile(name, layout) }
  return { file: join(layout.root, TS_WORKER_BOOTSTRAP), workerData: { tsEntry: entryFile(name, layout) } }
}

/** Node flags that let a child process run `file`: tsx's loader for a .ts entry, none for a bundle. */
export function tsxExecArgv(file: string): string[] {
  if (!file.endsWith('.ts')) return []
  return ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href]
}
