// `lora-studio models` and `lora-studio import` over a real data folder (in-process, real verbs):
// JSON output, progress lines on stderr while downloading from a loopback Hub, one-line failures.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRandomGpt2Folder } from '../../src/engine/model-factory'
import type { ModelSummary } from '../../src/shared/models'
import { startFakeHub, type FakeHub } from './fake-hub'
import { cliInProcess } from './cli-harness'

const root = mkdtempSync(join(tmpdir(), 'lora-models-cli-'))
const dataDir = join(root, 'data')
const repoDir = join(root, 'repo')
let hub: FakeHub

const cli = (...args: string[]) => cliInProcess(dataDir, args)

beforeAll(async () => {
  await createRandomGpt2Folder(repoDir, { nLayer: 1, nEmbd: 32, nHead: 2, nPositions: 64, seed: 5 })
  hub = await startFakeHub({ repos: { 'studio-test/cli-gpt2': { dir: repoDir } } })
})

afterAll(async () => {
  await hub.close()
  rmSync(root, { recursive: true, force: true })
})

describe('lora-studio models / import', () => {
  it('creates the demo model and lists it as JSON', async () => {
    const created = await cli('models', 'create-demo', '--json')
    expect(created.errLines).toEqual([])
    expect(created.code).toBe(0)
    expect(JSON.parse(created.out)).toMatchObject({
      name: 'tiny-demo',
      source: 'demo',
      parameters: 3_332_928
    })
    const listed = await cli('models', '--json')
    expect((JSON.parse(listed.out) as ModelSummary[]).map((m) => m.name)).toEqual(['tiny-demo'])
    const human = await cli('models', 'list')
    expect(human.out).toMatch(
      /^ {3}1 {2}tiny-demo {2}demo {2}3\.3M params {2}gpt2 2x64, 2 heads {2}ctx 256 {2}float32 {2}14 MiB {2}tokenizer$/
    )
  })

  it('downloads from HF_ENDPOINT with progress on stderr', async () => {
    process.env.HF_ENDPOINT = hub.url
    try {
      const { code, out, errLines: err } = await cli('models', 'download', 'studio-test/cli-gpt2', '--json')
      expect(code).toBe(0)
      expect(JSON.parse(out)).toMatchObject({ name: 'studio-test--cli-gpt2', source: 'hub', layers: 1 })
      expect(err.some((line) => /^\[\d\/6\] model\.safetensors downloading .* at .*\/s$/.test(line))).toBe(
        true
      )
      expect(err.some((line) => line.includes('model.safetensors verifying'))).toBe(true)
    } finally {
      delete process.env.HF_ENDPOINT
    }
  })

  it('imports a folder, and fails with one line naming the missing config.json', async () => {
    const imported = await cli('import', repoDir, '--name', 'mine', '--json')
    expect(imported.code).toBe(0)
    expect(JSON.parse(imported.out)).toMatchObject({ name: 'mine', source: 'imported', layers: 1 })
    const empty = join(root, 'empty')
    mkdirSync(empty)
    const bad = await cli('import', empty)
    expect(bad.code).toBe(1)
    expect(bad.errLines).toHaveLength(1)
    expect(bad.errLines[0]).toMatch(
      /^lora-studio: Cannot import .*empty: .*empty: no config\.json; a model folder needs config\.json/
    )
  })

  it('deletes by name and rejects a bad size naming the field', async () => {
    const deleted = await cli('models', 'delete', 'mine', '--json')
    expect(JSON.parse(deleted.out)).toMatchObject({ name: 'mine', deleted: true })
    const listed = await cli('models', '--json')
    expect((JSON.parse(listed.out) as ModelSummary[]).map((m) => m.name)).toEqual([
      'studio-test--cli-gpt2',
      'tiny-demo'
    ])
    const bad = await cli('models', 'create-demo', '--size', 'huge')
    expect(bad.code).toBe(1)
    expect(bad.errLines[0]).toBe('lora-studio: Size must be one of: tiny, small-test')
  })
})
