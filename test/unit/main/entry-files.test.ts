// Where the app's entries are, from each way the code runs: the TypeScript sources (tsx, vitest),
// electron-vite's out/main (shared code may sit in out/main/chunks/), and the bench pack's one bundle
// with gradient-worker.js beside it.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { entryFile, entryLayout, workerStart } from '../../../src/engine/entry-files'

const url = (path: string) => pathToFileURL(path).href

describe('entry files', () => {
  it('from the sources: the .ts entries, and worker threads through the tsx bootstrap', () => {
    const layout = entryLayout(url('/repo/src/engine/entry-files.ts'))
    expect(layout).toEqual({ fromSource: true, root: '/repo/src' })
    expect(entryFile('engine', layout)).toBe('/repo/src/engine/engine-process.ts')
    expect(workerStart('gradient-worker', layout)).toEqual({
      file: '/repo/src/engine/training/ts-worker-bootstrap.mjs',
      workerData: { tsEntry: '/repo/src/engine/training/gradient-worker.ts' }
    })
    expect(workerStart('tokenize-worker', layout).workerData).toEqual({
      tsEntry: '/repo/src/main/datasets/tokenize-worker.ts'
    })
  })

  it('from electron-vite out/main, also when this code was put in a shared chunk', () => {
    for (const here of ['/app/out/main/index.js', '/app/out/main/chunks/entry-files-Ab12.js']) {
      const layout = entryLayout(url(here))
      expect(layout).toEqual({ fromSource: false, root: '/app/out/main' })
      expect(entryFile('engine', layout)).toBe('/app/out/main/engine.js')
      expect(entryFile('preload', layout)).toBe('/app/out/preload/index.cjs')
      expect(workerStart('gradient-worker', layout)).toEqual({ file: '/app/out/main/gradient-worker.js' })
      expect(workerStart('tokenize-worker', layout)).toEqual({ file: '/app/out/main/tokenize-worker.js' })
    }
  })

  it('from the bench pack: gradient-worker.js beside the one bundle', () => {
    const layout = entryLayout(url('/tmp/pack/bench.js'))
    expect(workerStart('gradient-worker', layout)).toEqual({ file: '/tmp/pack/gradient-worker.js' })
  })

  it('in this checkout, every source entry and the bootstrap exist', () => {
    const layout = entryLayout()
    expect(layout.fromSource).toBe(true)
    for (const name of ['engine', 'gradient-worker', 'tokenize-worker', 'preload'] as const) {
      expect(existsSync(entryFile(name, layout)), name).toBe(true)
    }
    expect(existsSync(join(layout.root, 'engine', 'training', 'ts-worker-bootstrap.mjs'))).toBe(true)
  })
})
