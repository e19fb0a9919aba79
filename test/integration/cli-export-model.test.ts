// `lora-studio export` as the new user meets it, as real subprocesses: a merged export becomes a
// registered model (listed by `models`, answered by `chat` and `generate --model NAME`, trained from),
// unless --no-register; a PEFT export's adapter_config.json names a Hub model by its Hub id, as PEFT
// writes it (downloaded from a loopback stand-in for the Hub), and a local model by its folder.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRandomGpt2Folder } from '../../src/engine/model-factory'
import type { ModelSummary } from '../../src/shared/models'
import { startFakeHub, type FakeHub } from './fake-hub'
import { cliProcess, trainTwoSteps } from './cli-harness'

const work = mkdtempSync(join(tmpdir(), 'cli-export-model-'))
const dataDir = join(work, 'home')
const repoDir = join(work, 'repo')
const trainFile = join(work, 'train.jsonl')
let hub: FakeHub

const cli = (args: string[]) =>
  cliProcess(['--data-dir', dataDir, ...args], {
    env: { ...process.env, LORA_STUDIO_BACKEND: 'wasm', HF_ENDPOINT: hub.url }
  })

async function models(): Promise<ModelSummary[]> {
  const listed = await cli(['models', '--json'])
  expect(listed.code).toBe(0)
  return JSON.parse(listed.stdout) as ModelSummary[]
}

const adapterBase = (dir: string): unknown =>
  (JSON.parse(readFileSync(join(dir, 'adapter_config.json'), 'utf8')) as Record<string, unknown>)
    .base_model_name_or_path

beforeAll(async () => {
  await createRandomGpt2Folder(repoDir, { nLayer: 1, nEmbd: 16, nHead: 2, nPositions: 64, seed: 3 })
  hub = await startFakeHub({ repos: { 'studio-test/gpt2': { dir: repoDir } } })
  expect((await cli(['models', 'download', 'studio-test/gpt2'])).code).toBe(0)
  expect((await cli(['import', repoDir, '--name', 'local-gpt2'])).code).toBe(0)
  for (const model of ['studio-test--gpt2', 'local-gpt2']) {
    const trained = await trainTwoSteps(cli, model, trainFile)
    expect(trained.code).toBe(0)
  }
}, 240_000)

afterAll(async () => {
  await hub.close()
  rmSync(work, { recursive: true, force: true })
})

describe('lora-studio export: what the export is for', () => {
  it("names a Hub model by its Hub id in a PEFT export's adapter_config.json, a local one by its folder", async () => {
    const hubOut = join(work, 'peft-hub')
    expect((await cli(['export', '1', '--format', 'peft', '--out', hubOut])).code).toBe(0)
    expect(adapterBase(hubOut)).toBe('studio-test/gpt2')
    // The run's own adapter keeps the folder it trained from (chat finds the registered model by it).
    const local = (await models()).find((m) => m.name === 'local-gpt2')
    const localOut = join(work, 'peft-local')
    expect((await cli(['export', '2', '--format', 'peft', '--out', localOut])).code).toBe(0)
    expect(adapterBase(localOut)).toBe(local?.path)
    expect(local?.path).toBe(join(dataDir, 'models', 'local-gpt2'))
  })

  it('registers a merged export as a model to chat with, generate with and train from', async () => {
    const out = join(work, 'merged')
    const exported = await cli(['export', '1', '--format', 'merged', '--out', out, '--json'])
    expect(exported.code).toBe(0)
    const result = JSON.parse(exported.stdout) as { out: string; model: { id: number; name: string } }
    expect(result.out).toBe(out)
    const name = result.model.name
    expect(name).toMatch(/-merged$/)
    const listed = (await models()).find((m) => m.name === name)
    expect(listed).toMatchObject({
      id: result.model.id,
      source: 'merged',
      path: out,
      hasTokenizer: true,
      layers: 1
    })

    const generated = await cli([
      'generate',
      '--model',
      name,
      '--prompt',
      'A buffer overflow',
      '--max-new-tokens',
      '3',
      '--greedy',
      '--json'
    ])
    expect(generated.code).toBe(0)
    expect(JSON.parse(generated.stdout)).toMatchObject({ newTokens: 3, target: { modelPath: out } })
    const chatted = await cli(['chat', '--model', name, '--prompt', 'Hi', '--max-new-tokens', '2', '--json'])
    expect(chatted.code).toBe(0)
    expect(JSON.parse(chatted.stdout).newTokens).toBe(2)
    const continued = await cli([
      'train',
      '--model',
      name,
      '--data',
      trainFile,
      '--max-length',
      '16',
      '--max-steps',
      '1'
    ])
    expect(continued.code).toBe(0)

    // Replacing that export keeps its one entry.
    const again = await cli(['export', '1', '--format', 'merged', '--out', out, '--overwrite', '--json'])
    expect(JSON.parse(again.stdout).model).toEqual(result.model)
    expect((await models()).filter((m) => m.path === out)).toHaveLength(1)
  })

  it('leaves a merged export unregistered with --no-register', async () => {
    const before = (await models()).length
    const out = join(work, 'merged-plain')
    const exported = await cli(['export', '2', '--format', 'merged', '--out', out, '--no-register', '--json'])
    expect(exported.code).toBe(0)
    expect(JSON.parse(exported.stdout).model).toBeNull()
    expect(await models()).toHaveLength(before)
    expect(readFileSync(join(out, 'config.json'), 'utf8')).toContain('"n_layer": 1')
  })
})
