// The local model registry on a real database and data folder: the offline demo model with its exact
// parameter count, folder import (and the errors that name the missing or mismatched file), delete.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRandomGpt2Folder } from '../../src/engine/model-factory'
import { loadHfModelFolder } from '../../src/engine/formats/hf-model-folder'
import { createModelService, type ModelService } from '../../src/main/models/model-service'
import { openStore, type Store } from '../../src/main/store/store'
import { failure } from './service-failure'

const root = mkdtempSync(join(tmpdir(), 'lora-models-'))
const modelsDir = join(root, 'data', 'models')
const sourceDir = join(root, 'source')
let store: Store
let service: ModelService

/** A copy of the source model folder with `change` applied. */
function variant(name: string, change: (dir: string) => void): string {
  const dir = join(root, name)
  mkdirSync(dir)
  for (const file of readdirSync(sourceDir))
    writeFileSync(join(dir, file), readFileSync(join(sourceDir, file)))
  change(dir)
  return dir
}

beforeAll(async () => {
  mkdirSync(modelsDir, { recursive: true })
  store = openStore(join(root, 'data', 'studio.db'))
  service = createModelService({ store, modelsDir, emitProgress: () => undefined })
  await createRandomGpt2Folder(sourceDir, { nLayer: 1, nEmbd: 32, nHead: 2, nPositions: 64, seed: 3 })
})

afterAll(() => {
  store.close()
  rmSync(root, { recursive: true, force: true })
})

describe('models.createDemo', () => {
  it('creates the tiny random GPT-2 with the real tokenizer and lists it', async () => {
    const model = await service.handlers.createDemo({ size: 'tiny', seed: 42 })
    // wte 50257·64 + wpe 256·64 + 2 blocks · 49 984 + ln_f 128
    expect(model).toMatchObject({
      name: 'tiny-demo',
      source: 'demo',
      parameters: 3_332_928,
      layers: 2,
      width: 64,
      heads: 2,
      vocabSize: 50257,
      contextLength: 256,
      hasTokenizer: true,
      hubId: null,
      problem: null,
      path: join(modelsDir, 'tiny-demo')
    })
    const onDisk = readdirSync(model.path).reduce((sum, f) => sum + statSync(join(model.path, f)).size, 0)
    expect(model.sizeBytes).toBe(onDisk)
    console.info(`tiny demo model: ${model.parameters} parameters, ${(onDisk / 1e6).toFixed(1)} MB on disk`)
    const loaded = await loadHfModelFolder(model.path)
    expect(loaded.weights.get('h.1.attn.c_attn.weight')?.shape).toEqual([64, 192])
    expect(await service.handlers.list({})).toEqual([model])
    expect(await service.handlers.get({ id: model.id })).toEqual(model)
  })

  it('picks the next free name, and refuses a taken one by name', async () => {
    const second = await service.handlers.createDemo({ size: 'small-test', seed: 1 })
    expect(second).toMatchObject({
      name: 'small-test-demo',
      layers: 4,
      width: 128,
      heads: 4,
      contextLength: 512
    })
    expect(second.parameters).toBe(50257 * 128 + 512 * 128 + 4 * (12 * 128 * 128 + 13 * 128) + 2 * 128)
    const third = await service.handlers.createDemo({ size: 'tiny', seed: 42 })
    expect(third.name).toBe('tiny-demo-2')
    const err = await failure(service.handlers.createDemo({ size: 'tiny', seed: 42, name: 'tiny-demo' }))
    expect(err.code).toBe('conflict')
    expect(err.issues).toEqual([{ path: 'name', message: 'already in use' }])
    await service.handlers.delete({ id: second.id })
    await service.handlers.delete({ id: third.id })
  })
})

describe('models.importFolder', () => {
  it('copies only the model files into the data folder and registers them', async () => {
    const dir = variant('my-gpt2', (d) => writeFileSync(join(d, 'notes.txt'), 'not a model file'))
    const model = await service.handlers.importFolder({ path: dir })
    expect(model).toMatchObject({
      name: 'my-gpt2',
      source: 'imported',
      parameters: 50257 * 32 + 64 * 32 + (12 * 32 * 32 + 13 * 32) + 2 * 32,
      layers: 1,
      hasTokenizer: true
    })
    expect(model.path).toBe(join(modelsDir, 'my-gpt2'))
    expect(readdirSync(model.path).sort()).toEqual(
      [
        'config.json',
        'merges.txt',
        'model.safetensors',
        'special_tokens_map.json',
        'tokenizer_config.json',
        'vocab.json'
      ].sort()
    )
    expect(
      readFileSync(join(model.path, 'model.safetensors')).equals(readFileSync(join(dir, 'model.safetensors')))
    ).toBe(true)
    expect(existsSync(dir)).toBe(true)
    expect(readdirSync(modelsDir).filter((f) => f.startsWith('.'))).toEqual([])
  })

  it('names config.json when it is missing', async () => {
    const dir = variant('no-config', (d) => rmSync(join(d, 'config.json')))
    const err = await failure(service.handlers.importFolder({ path: dir }))
    expect(err.code).toBe('invalid_input')
    expect(err.message).toContain(`Cannot import ${dir}: ${dir}: no config.json`)
    expect(err.issues[0].path).toBe('path')
  })

  it('says how to convert a folder with only pytorch_model.bin', async () => {
    const dir = variant('bin-only', (d) => {
      rmSync(join(d, 'model.safetensors'))
      writeFileSync(join(d, 'pytorch_model.bin'), Buffer.alloc(100))
    })
    const err = await failure(service.handlers.importFolder({ path: dir }))
    expect(err.message).toContain('has only pytorch_model.bin')
    expect(err.message).toContain('safe_serialization=True')
  })

  it('names the weight whose shape does not match config.json', async () => {
    const dir = variant('mismatch', (d) => {
      const config = JSON.parse(readFileSync(join(d, 'config.json'), 'utf8')) as Record<string, unknown>
      writeFileSync(join(d, 'config.json'), JSON.stringify({ ...config, n_positions: 128, n_ctx: 128 }))
    })
    const err = await failure(service.handlers.importFolder({ path: dir }))
    expect(err.message).toContain('weight "wpe.weight" has shape [64, 32] but config.json implies [128, 32]')
  })

  it('refuses a path that is not a folder', async () => {
    const missing = await failure(service.handlers.importFolder({ path: join(root, 'nowhere') }))
    expect(missing.code).toBe('not_found')
    expect(missing.message).toContain(`There is no folder ${join(root, 'nowhere')}`)
    const file = await failure(service.handlers.importFolder({ path: join(sourceDir, 'config.json') }))
    expect(file.message).toContain('is a file; give the folder that holds config.json')
    expect((await service.handlers.list({})).map((m) => m.name)).toEqual(['my-gpt2', 'tiny-demo'])
  })
})

describe('models.delete', () => {
  it('refuses while a run uses the model, then removes the folder and the entry', async () => {
    const [model] = (await service.handlers.list({})).filter((m) => m.name === 'my-gpt2')
    const run = store.runs.create({ name: 'r8', status: 'running', config: {}, baseModel: model.path })
    const busy = await failure(service.handlers.delete({ id: model.id }))
    expect(busy.code).toBe('conflict')
    expect(busy.message).toBe(`Run ${run.id} "r8" (running) uses my-gpt2; stop it before deleting the model.`)
    store.runs.update(run.id, { status: 'completed' })
    expect(await service.handlers.delete({ id: model.id })).toEqual({ deleted: true })
    expect(existsSync(model.path)).toBe(false)
    expect(readdirSync(modelsDir)).toEqual(['tiny-demo'])
    const gone = await failure(service.handlers.get({ id: model.id }))
    expect(gone.code).toBe('not_found')
  })

  it('reports a model whose folder disappeared', async () => {
    const [model] = await service.handlers.list({})
    rmSync(model.path, { recursive: true })
    const [listed] = await service.handlers.list({})
    expect(listed.problem).toBe(
      `The folder ${model.path} is missing; delete this entry and add the model again.`
    )
    expect(listed.hasTokenizer).toBe(false)
    expect(await service.handlers.delete({ id: model.id })).toEqual({ deleted: true })
    expect(await service.handlers.list({})).toEqual([])
  })
})
