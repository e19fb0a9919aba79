import { copyFile, mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { countGpt2Parameters, gpt2WeightShapes } from '../../../src/engine/formats/gpt2-weights'
import { HfConfigError, parseGpt2Config, toHfConfigJson } from '../../../src/engine/formats/hf-config'
import type { Gpt2Config } from '../../../src/engine/formats/hf-config'
import { inspectHfModelFolder, loadHfModelFolder } from '../../../src/engine/formats/hf-model-folder'
import { readSafetensors, writeSafetensors } from '../../../src/engine/formats/safetensors'
import type { TensorToWrite } from '../../../src/engine/formats/safetensors'
import { requireFixture, tinyModelDir } from './fixtures-dir'

const fixtureModel = join(tinyModelDir, 'model')

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hf-folder-test-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** The published configs of the GPT-2 family (from their config.json on the Hub) and their parameter counts. */
const family: Array<[string, Record<string, unknown>, number]> = [
  [
    'distilgpt2',
    { model_type: 'gpt2', n_layer: 6, n_embd: 768, n_head: 12, n_ctx: 1024, n_positions: 1024 },
    81_912_576
  ],
  [
    'gpt2',
    { model_type: 'gpt2', n_layer: 12, n_embd: 768, n_head: 12, n_ctx: 1024, n_positions: 1024 },
    124_439_808
  ],
  [
    'gpt2-medium',
    { model_type: 'gpt2', n_layer: 24, n_embd: 1024, n_head: 16, n_ctx: 1024, n_positions: 1024 },
    354_823_168
  ],
  [
    'gpt2-large',
    { model_type: 'gpt2', n_layer: 36, n_embd: 1280, n_head: 20, n_ctx: 1024, n_positions: 1024 },
    774_030_080
  ],
  [
    'gpt2-xl',
    { model_type: 'gpt2', n_layer: 48, n_embd: 1600, n_head: 25, n_ctx: 1024, n_positions: 1024 },
    1_557_611_200
  ]
]

describe('GPT-2 config.json', () => {
  it('applies transformers defaults and resolves n_inner', () => {
    const config = parseGpt2Config({ model_type: 'gpt2' }, 'config.json')
    expect(config).toEqual({
      modelType: 'gpt2',
      vocabSize: 50257,
      nPositions: 1024,
      nEmbd: 768,
      nLayer: 12,
      nHead: 12,
      nInner: 3072,
      layerNormEpsilon: 1e-5,
      activationFunction: 'gelu_new',
      tieWordEmbeddings: true,
      bosTokenId: 50256,
      eosTokenId: 50256,
      residPdrop: 0.1,
      embdPdrop: 0.1,
      attnPdrop: 0.1,
      initializerRange: 0.02
    } satisfies Gpt2Config)
    expect(
      parseGpt2Config(
        { n_inner: 100, n_embd: 8, n_head: 2, vocab_size: 10, eos_token_id: 9, bos_token_id: 9 },
        'c'
      ).nInner
    ).toBe(100)
  })

  requireFixture(fixtureModel)
  it('reads the fixture config', async () => {
    const json: unknown = JSON.parse(await readFile(join(fixtureModel, 'config.json'), 'utf8'))
    const config = parseGpt2Config(json, 'config.json')
    expect([
      config.vocabSize,
      config.nPositions,
      config.nEmbd,
      config.nLayer,
      config.nHead,
      config.nInner
    ]).toEqual([1000, 128, 64, 2, 4, 256])
    expect([config.bosTokenId, config.eosTokenId]).toEqual([999, 999])
  })

  it('names the field that is wrong', () => {
    const err = (json: unknown): string => {
      try {
        parseGpt2Config(json, '/m/config.json')
      } catch (e) {
        expect(e).toBeInstanceOf(HfConfigError)
        return (e as Error).message
      }
      throw new Error('expected a failure')
    }
    expect(err({ n_embd: 'big' })).toMatch(/^\/m\/config\.json: n_embd: /)
    expect(err({ n_layer: -1 })).toMatch(/^\/m\/config\.json: n_layer: /)
    expect(err({ activation_function: 'mish' })).toMatch(/activation_function: /)
    expect(err({ model_type: 'llama' })).toMatch(
      /model_type: is "llama", but LoRA Studio runs GPT-2-family models only/
    )
    expect(err({ n_embd: 100, n_head: 12 })).toMatch(/n_head: n_embd 100 is not divisible by n_head 12/)
    expect(err({ vocab_size: 1000 })).toMatch(/bos_token_id: token id 50256 is outside the vocabulary/)
    expect(err({ scale_attn_by_inverse_layer_idx: true })).toMatch(
      /scale_attn_by_inverse_layer_idx: only false/
    )
    expect(err('nope')).toMatch(/config\.json: /)
  })

  it('round-trips through toHfConfigJson with the fields transformers needs', () => {
    const config = parseGpt2Config(
      { n_layer: 3, n_embd: 96, n_head: 6, n_positions: 256, n_inner: 200, tie_word_embeddings: false },
      'c'
    )
    const json = toHfConfigJson(config)
    expect(json).toMatchObject({
      architectures: ['GPT2LMHeadModel'],
      model_type: 'gpt2',
      n_ctx: 256,
      n_positions: 256,
      n_inner: 200,
      tie_word_embeddings: false
    })
    expect(parseGpt2Config(json, 'c')).toEqual(config)
    expect(toHfConfigJson(parseGpt2Config({}, 'c')).n_inner).toBeNull()
  })

  for (const [name, raw, params] of family) {
    it(`${name}: ${params} parameters and the expected shapes`, () => {
      const config = parseGpt2Config(raw, `${name}/config.json`)
      expect(countGpt2Parameters(config)).toBe(params)
      const shapes = gpt2WeightShapes(config)
      expect(shapes.size).toBe(2 + 12 * config.nLayer + 2)
      const e = config.nEmbd
      expect(shapes.get(`h.${config.nLayer - 1}.attn.c_attn.weight`)).toEqual([e, 3 * e])
      expect(shapes.get('h.0.mlp.c_proj.weight')).toEqual([4 * e, e])
      expect(shapes.has('lm_head.weight')).toBe(false)
    })
  }
})

/** Writes a folder whose safetensors header describes `config`'s shapes but whose data is a sparse hole. */
async function headerOnlyFolder(name: string, rawConfig: Record<string, unknown>): Promise<string> {
  const folder = join(dir, name)
  await mkdir(folder, { recursive: true })
  await writeFile(join(folder, 'config.json'), JSON.stringify(rawConfig))
  const config = parseGpt2Config(rawConfig, name)
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } }
  let offset = 0
  for (const [key, shape] of gpt2WeightShapes(config)) {
    const bytes = shape.reduce((a, b) => a * b, 1) * 2
    header[`transformer.${key}`] = { dtype: 'F16', shape, data_offsets: [offset, offset + bytes] }
    offset += bytes
  }
  const json = Buffer.from(JSON.stringify(header))
  const length = Buffer.alloc(8)
  length.writeBigUInt64LE(BigInt(json.length))
  const fh = await open(join(folder, 'model.safetensors'), 'w')
  await fh.write(Buffer.concat([length, json]))
  await fh.truncate(8 + json.length + offset)
  await fh.close()
  return folder
}

describe('inspectHfModelFolder on full-size GPT-2 headers', () => {
  for (const [name, raw, params] of family) {
    it(`${name} validates without loading weights`, async () => {
      const folder = await headerOnlyFolder(name, raw)
      const info = await inspectHfModelFolder(folder)
      expect(info.problem).toBeNull()
      expect(info.parameterCount).toBe(params)
      expect(info.layout).toBe('safetensors')
      expect(info.weightsDtype).toBe('F16')
      expect(info.hasTokenizer).toBe(false)
      expect(info.bytesOnDisk).toBeGreaterThan(params * 2)
    })
  }

  it('reports a shape that does not match the config', async () => {
    const folder = await headerOnlyFolder('mismatch', {
      n_layer: 2,
      n_embd: 64,
      n_head: 4,
      vocab_size: 100,
      eos_token_id: 0,
      bos_token_id: 0
    })
    await writeFile(
      join(folder, 'config.json'),
      JSON.stringify({ n_layer: 2, n_embd: 64, n_head: 4, vocab_size: 101, eos_token_id: 0, bos_token_id: 0 })
    )
    const info = await inspectHfModelFolder(folder)
    expect(info.problem).toBe(
      'weight "wte.weight" has shape [100, 64] but config.json implies [101, 64]; the weights and config.json belong to different models'
    )
  })
})

requireFixture(fixtureModel)
describe('loadHfModelFolder', () => {
  it('loads the PyTorch fixture folder with normalised keys', async () => {
    const checkpoint = await loadHfModelFolder(fixtureModel)
    expect(checkpoint.config.nLayer).toBe(2)
    expect([...checkpoint.weights.keys()].sort()).toEqual(
      [...gpt2WeightShapes(checkpoint.config).keys()].sort()
    )
    expect(checkpoint.weights.get('h.1.mlp.c_fc.weight')!.shape).toEqual([64, 256])
    const raw = await readSafetensors(join(fixtureModel, 'model.safetensors'))
    expect(checkpoint.weights.get('h.0.attn.c_attn.weight')!.data).toEqual(
      raw.tensors.get('h.0.attn.c_attn.weight')!.data
    )
    const info = await inspectHfModelFolder(fixtureModel)
    expect(info.parameterCount).toBe(countGpt2Parameters(checkpoint.config))
    expect(info.problem).toBeNull()
  })

  async function variant(
    name: string,
    edit: (t: Record<string, TensorToWrite>) => void,
    config?: object
  ): Promise<string> {
    const folder = join(dir, name)
    await mkdir(folder, { recursive: true })
    const base = JSON.parse(await readFile(join(fixtureModel, 'config.json'), 'utf8')) as object
    await writeFile(join(folder, 'config.json'), JSON.stringify({ ...base, ...config }))
    const raw = await readSafetensors(join(fixtureModel, 'model.safetensors'))
    const tensors: Record<string, TensorToWrite> = {}
    for (const [key, t] of raw.tensors) tensors[key] = { dtype: 'F32', shape: t.shape, data: t.data }
    edit(tensors)
    await writeSafetensors(join(folder, 'model.safetensors'), tensors, { format: 'pt' })
    return folder
  }

  it('accepts transformer.-prefixed keys, ignores attn.bias/masked_bias, converts F16', async () => {
    const folder = await variant('prefixed', (t) => {
      for (const key of Object.keys(t)) {
        t[`transformer.${key}`] = { ...t[key], dtype: key === 'wte.weight' ? 'F16' : 'F32' }
        delete t[key]
      }
      t['transformer.h.0.attn.bias'] = {
        dtype: 'F32',
        shape: [1, 1, 2, 2],
        data: new Float32Array([1, 0, 1, 1])
      }
      t['transformer.h.0.attn.masked_bias'] = { dtype: 'F32', shape: [], data: new Float32Array([-1e4]) }
      t['lm_head.weight'] = t['transformer.wte.weight']
    })
    const loaded = await loadHfModelFolder(folder)
    const original = await loadHfModelFolder(fixtureModel)
    expect([...loaded.weights.keys()].sort()).toEqual([...original.weights.keys()].sort())
    const wte = loaded.weights.get('wte.weight')!.data
    const ref = original.weights.get('wte.weight')!.data
    let maxRel = 0
    for (let i = 0; i < ref.length; i++)
      maxRel = Math.max(maxRel, Math.abs(wte[i] - ref[i]) / Math.max(Math.abs(ref[i]), 6e-5))
    expect(maxRel).toBeLessThan(2 ** -11 + 1e-9)
    expect(maxRel).toBeGreaterThan(0)
    expect(loaded.weights.get('h.1.ln_2.bias')!.data).toEqual(original.weights.get('h.1.ln_2.bias')!.data)
  })

  it('uses lm_head.weight when untied, and demands it', async () => {
    const head = new Float32Array(1000 * 64).map((_, i) => i % 7)
    const folder = await variant(
      'untied',
      (t) => {
        t['lm_head.weight'] = { dtype: 'F32', shape: [1000, 64], data: head }
      },
      { tie_word_embeddings: false }
    )
    expect((await loadHfModelFolder(folder)).weights.get('lm_head.weight')!.data).toEqual(head)
    const missing = await variant('untied-missing', () => undefined, { tie_word_embeddings: false })
    await expect(loadHfModelFolder(missing)).rejects.toThrow(
      /weight "lm_head.weight" is missing but config.json has tie_word_embeddings false/
    )
  })

  it('names the key, expected and actual shape on a mismatch, and a missing key', async () => {
    const wrong = await variant('wrong-shape', (t) => {
      t['h.1.attn.c_proj.weight'] = { dtype: 'F32', shape: [32, 128], data: new Float32Array(4096) }
    })
    await expect(loadHfModelFolder(wrong)).rejects.toThrow(
      /wrong-shape: weight "h.1.attn.c_proj.weight" has shape \[32, 128\] but config.json implies \[64, 64\]/
    )
    const missing = await variant('missing-key', (t) => delete t['h.1.mlp.c_fc.bias'])
    await expect(loadHfModelFolder(missing)).rejects.toThrow(/weight "h.1.mlp.c_fc.bias" is missing/)
    const twice = await variant('twice', (t) => {
      t['transformer.wpe.weight'] = t['wpe.weight']
    })
    await expect(loadHfModelFolder(twice)).rejects.toThrow(/weight "wpe.weight" is stored twice/)
  })

  it('loads sharded safetensors through model.safetensors.index.json', async () => {
    const folder = join(dir, 'sharded')
    await mkdir(folder, { recursive: true })
    await copyFile(join(fixtureModel, 'config.json'), join(folder, 'config.json'))
    const raw = await readSafetensors(join(fixtureModel, 'model.safetensors'))
    const shards: Array<Record<string, TensorToWrite>> = [{}, {}]
    const weightMap: Record<string, string> = {}
    for (const [key, t] of raw.tensors) {
      const shard = key.startsWith('h.1.') ? 1 : 0
      shards[shard][`transformer.${key}`] = { dtype: 'F32', shape: t.shape, data: t.data }
      weightMap[`transformer.${key}`] = `model-0000${shard + 1}-of-00002.safetensors`
    }
    await writeSafetensors(join(folder, 'model-00001-of-00002.safetensors'), shards[0])
    await writeSafetensors(join(folder, 'model-00002-of-00002.safetensors'), shards[1])
    await writeFile(
      join(folder, 'model.safetensors.index.json'),
      JSON.stringify({ metadata: {}, weight_map: weightMap })
    )
    const loaded = await loadHfModelFolder(folder)
    expect(loaded.weights.size).toBe(raw.tensors.size)
    expect(loaded.weights.get('h.1.ln_1.weight')!.data).toEqual(raw.tensors.get('h.1.ln_1.weight')!.data)
    expect((await inspectHfModelFolder(folder)).layout).toBe('safetensors-sharded')
  })

  it('explains how to convert a folder with only pytorch_model.bin', async () => {
    const folder = join(dir, 'bin-only')
    await mkdir(folder, { recursive: true })
    await copyFile(join(fixtureModel, 'config.json'), join(folder, 'config.json'))
    await writeFile(join(folder, 'pytorch_model.bin'), 'PK')
    await expect(loadHfModelFolder(folder)).rejects.toThrow(
      /has only pytorch_model\.bin[\s\S]*save_pretrained\('DIR', safe_serialization=True\)[\s\S]*save_file/
    )
    const info = await inspectHfModelFolder(folder)
    expect(info.layout).toBe('pytorch-bin')
    expect(info.problem).toMatch(/safetensors\.torch import save_file/)
    await expect(loadHfModelFolder(join(dir, 'nothing-here'))).rejects.toThrow(/no config\.json/)
  })
})
