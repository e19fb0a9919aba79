// Llama/Qwen2/Qwen3 config.json and folders: the real models' configs (test/fixtures/model-configs, written
// from their Hub config.json files) parse to transformers' parameter counts; unsupported features are
// refused by name; a sharded BF16 folder loads as its float32 weights rounded to BF16; random folders of
// any Llama-family shape (model-factory) load and run.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import { bf16ToF32, f32ToBf16 } from '../../../src/engine/formats/half-float'
import { parseLlamaConfig } from '../../../src/engine/formats/llama-config'
import { loadLlamaModelFolder } from '../../../src/engine/formats/llama-model-folder'
import { countLlamaParameters } from '../../../src/engine/formats/llama-weights'
import { writeSafetensors } from '../../../src/engine/formats/safetensors'
import type { TensorToWrite } from '../../../src/engine/formats/safetensors'
import { createRandomLlamaFolder } from '../../../src/engine/model-factory'
import type { RandomLlamaOptions } from '../../../src/engine/model-factory'
import { createLlamaWeights } from '../../../src/engine/model/llama-frozen-weights'
import { LlamaModel } from '../../../src/engine/model/llama-model'
import { ropeInverseFrequencies } from '../../../src/engine/model/rotary'
import { fixturesDir, requireFixture } from './fixtures-dir'
import { useBackend } from './gpt2-reference'

const configsDir = requireFixture(join(fixturesDir, 'model-configs'))
const llamaTiny = requireFixture(join(fixturesDir, 'llama-tiny', 'model'))

async function configJson(name: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(join(configsDir, `${name}.json`), 'utf8')) as Record<string, unknown>
}

describe('Llama-family config.json', () => {
  it.each([
    ['smollm2-135m', 134_515_008],
    ['qwen2.5-0.5b', 494_032_768],
    ['qwen3-0.6b', 596_049_920],
    ['llama-3.2-1b', 1_235_814_400]
  ])('%s has as many parameters as transformers counts (%d)', async (name, count) => {
    expect(countLlamaParameters(parseLlamaConfig(await configJson(name), `${name}.json`))).toBe(count)
  })

  it('reads each family’s particulars', async () => {
    const qwen2 = parseLlamaConfig(await configJson('qwen2.5-0.5b'), 'c')
    expect([qwen2.attentionBias, qwen2.outputBias, qwen2.qkNorm, qwen2.headDim]).toEqual([
      true,
      false,
      false,
      64
    ])
    const qwen3 = parseLlamaConfig(await configJson('qwen3-0.6b'), 'c')
    expect([qwen3.attentionBias, qwen3.qkNorm, qwen3.headDim, qwen3.numKeyValueHeads]).toEqual([
      false,
      true,
      128,
      8
    ])
    const llama = parseLlamaConfig(await configJson('llama-3.2-1b'), 'c')
    expect(llama.ropeScaling).toEqual({
      factor: 32,
      lowFreqFactor: 1,
      highFreqFactor: 4,
      originalMaxPositionEmbeddings: 8192
    })
    expect([llama.tieWordEmbeddings, llama.eosTokenId, llama.ropeTheta]).toEqual([true, 128001, 500000])
    const listed = parseLlamaConfig(
      { ...(await configJson('llama-3.2-1b')), eos_token_id: [128001, 128009] },
      'c'
    )
    expect(listed.eosTokenId).toBe(128001)
  })

  it.each([
    [
      { model_type: 'mistral' },
      'c.json: model_type: is "mistral", but this loader reads only "llama", "qwen2", "qwen3"'
    ],
    [{ use_sliding_window: true }, 'c.json: use_sliding_window: sliding-window attention is not supported'],
    [{ hidden_act: 'gelu' }, 'c.json: hidden_act: only "silu" (SwiGLU) is supported'],
    [
      { rope_scaling: { rope_type: 'yarn', factor: 4 } },
      'c.json: rope_scaling.rope_type: is "yarn", but LoRA Studio supports only "llama3"'
    ],
    [{ rope_scaling: { type: 'dynamic', factor: 2 } }, 'rope_scaling.rope_type: is "dynamic"'],
    [{ num_key_value_heads: 5 }, 'c.json: num_key_value_heads: 5 does not divide num_attention_heads 16'],
    [{ mlp_bias: true }, 'c.json: mlp_bias: only false is supported']
  ])('refuses %j, naming the field', async (change, message) => {
    const json = { ...(await configJson('qwen3-0.6b')), ...change }
    expect(() => parseLlamaConfig(json, 'c.json')).toThrow(message)
  })

  it('applies Llama 3 RoPE scaling as transformers: high frequencies kept, low ones divided by factor, the band between blended', () => {
    const scaling = { factor: 32, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositionEmbeddings: 8192 }
    const plain = ropeInverseFrequencies(64, 500000, null)
    const scaled = ropeInverseFrequencies(64, 500000, scaling)
    const wavelen = (f: number) => (2 * Math.PI) / f
    let kept = 0
    let divided = 0
    let blended = 0
    for (let i = 0; i < 32; i++) {
      expect(plain[i]).toBeCloseTo(500000 ** (-(2 * i) / 64), 12)
      if (wavelen(plain[i]) < 8192 / 4) {
        expect(scaled[i]).toBe(plain[i])
        kept++
      } else if (wavelen(plain[i]) > 8192) {
        expect(scaled[i]).toBeCloseTo(plain[i] / 32, 15)
        divided++
      } else {
        const smooth = (8192 / wavelen(plain[i]) - 1) / (4 - 1)
        expect(scaled[i]).toBeCloseTo((1 - smooth) * (plain[i] / 32) + smooth * plain[i], 15)
        expect(scaled[i]).toBeLessThan(plain[i])
        expect(scaled[i]).toBeGreaterThan(plain[i] / 32)
        blended++
      }
    }
    // 2π·500000^(i/32) < 2048 for i ≤ 14, > 8192 for i ≥ 18.
    expect([kept, divided, blended]).toEqual([15, 14, 3])
  })
})

describe('Llama-family model folders', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'llama-folder-'))
  })
  afterAll(() => rm(dir, { recursive: true, force: true }))

  it('loads sharded BF16 safetensors with an index as float32, skipping keys it does not use', async () => {
    const { weights, config } = await loadLlamaModelFolder(llamaTiny)
    const keys = [...weights.keys()]
    const shards: Record<string, TensorToWrite>[] = [{}, {}]
    const weightMap: Record<string, string> = {}
    keys.forEach((key, i) => {
      const w = weights.get(key)!
      shards[i % 2][key] = { dtype: 'BF16', shape: w.shape, data: w.data }
      weightMap[key] = `model-0000${(i % 2) + 1}-of-00002.safetensors`
    })
    shards[0]['model.layers.0.self_attn.rotary_emb.inv_freq'] = {
      dtype: 'F32',
      shape: [8],
      data: new Float32Array(8)
    }
    weightMap['model.layers.0.self_attn.rotary_emb.inv_freq'] = 'model-00001-of-00002.safetensors'
    const folder = join(dir, 'sharded')
    await mkdir(folder)
    await writeFile(join(folder, 'config.json'), await readFile(join(llamaTiny, 'config.json')))
    for (const [i, tensors] of shards.entries()) {
      await writeSafetensors(join(folder, `model-0000${i + 1}-of-00002.safetensors`), tensors)
    }
    await writeFile(
      join(folder, 'model.safetensors.index.json'),
      JSON.stringify({ metadata: {}, weight_map: weightMap })
    )
    const loaded = await loadLlamaModelFolder(folder)
    expect(loaded.config).toEqual(config)
    expect([...loaded.weights.keys()].sort()).toEqual([...keys].sort())
    for (const key of keys) {
      const expected = bf16ToF32(f32ToBf16(weights.get(key)!.data))
      expect(Array.from(loaded.weights.get(key)!.data), key).toEqual(Array.from(expected))
    }
    expect(keys).toContain('lm_head.weight')
  })

  it('says which weight is missing, and what tie_word_embeddings means for lm_head', async () => {
    const { weights } = await loadLlamaModelFolder(llamaTiny)
    const folder = join(dir, 'no-head')
    await mkdir(folder)
    await writeFile(join(folder, 'config.json'), await readFile(join(llamaTiny, 'config.json')))
    const tensors: Record<string, TensorToWrite> = {}
    for (const [key, w] of weights)
      if (key !== 'lm_head.weight') tensors[key] = { dtype: 'F32', shape: w.shape, data: w.data }
    await writeSafetensors(join(folder, 'model.safetensors'), tensors)
    await expect(loadLlamaModelFolder(folder)).rejects.toThrow(
      'weight "lm_head.weight" is missing but config.json has tie_word_embeddings false'
    )
  })
})

describe('createRandomLlamaFolder', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'llama-random-'))
  })
  afterAll(() => rm(dir, { recursive: true, force: true }))

  const qwen3: RandomLlamaOptions = {
    family: 'qwen3',
    numHiddenLayers: 2,
    hiddenSize: 32,
    intermediateSize: 48,
    numAttentionHeads: 4,
    numKeyValueHeads: 2,
    headDim: 16,
    vocabSize: 300,
    maxPositionEmbeddings: 64,
    tieWordEmbeddings: true,
    ropeTheta: 1e6,
    seed: 3
  }

  it('writes a Qwen3-shaped folder that loads and runs, initialised as transformers does, the same bytes per seed', async () => {
    const a = join(dir, 'a')
    await createRandomLlamaFolder(a, qwen3)
    const { config, weights } = await loadLlamaModelFolder(a)
    expect([config.modelType, config.headDim, config.qkNorm, config.numKeyValueHeads]).toEqual([
      'qwen3',
      16,
      true,
      2
    ])
    const count = [...weights.values()].reduce((n, w) => n + w.data.length, 0)
    expect(count).toBe(countLlamaParameters(config))
    expect(Array.from(weights.get('model.layers.1.self_attn.k_norm.weight')!.data)).toEqual(
      new Array(16).fill(1)
    )
    const q = weights.get('model.layers.0.self_attn.q_proj.weight')!.data
    const std = Math.sqrt(q.reduce((s, v) => s + v * v, 0) / q.length)
    expect(std).toBeGreaterThan(0.018)
    expect(std).toBeLessThan(0.022)
    const b = join(dir, 'b')
    await createRandomLlamaFolder(b, qwen3)
    expect(await readFile(join(b, 'model.safetensors'))).toEqual(await readFile(join(a, 'model.safetensors')))

    await useBackend('cpu')
    const model = new LlamaModel(config, createLlamaWeights(config, weights))
    const logits = tf.tidy(() =>
      model.logits(
        model.hiddenStates({ inputIds: Int32Array.from([1, 2, 299]), batch: 1, seqLen: 3 }, { train: false })
      )
    )
    expect(logits.shape).toEqual([3, 300])
    expect((await logits.data()).every(Number.isFinite)).toBe(true)
    logits.dispose()
    model.dispose()
    await expect(createRandomLlamaFolder(a, qwen3)).rejects.toThrow('already exists and is not empty')
  })
})
