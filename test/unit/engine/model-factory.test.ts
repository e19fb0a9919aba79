import { mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { countGpt2Parameters } from '../../../src/engine/formats/gpt2-weights'
import { inspectHfModelFolder, loadHfModelFolder } from '../../../src/engine/formats/hf-model-folder'
import type { LoadedCheckpoint } from '../../../src/engine/formats/hf-model-folder'
import { createRandomGpt2Folder } from '../../../src/engine/model-factory'
import { BpeTokenizer } from '../../../src/engine/tokenizer/bpe-tokenizer'
import { gpt2FolderFiles } from '../../support/gpt2-folder'

const options = { nLayer: 2, nEmbd: 32, nHead: 4, nPositions: 64, seed: 7, name: 'tiny-random' }

function stats(data: Float32Array): { mean: number; std: number } {
  let sum = 0
  for (const v of data) sum += v
  const mean = sum / data.length
  let sq = 0
  for (const v of data) sq += (v - mean) ** 2
  return { mean, std: Math.sqrt(sq / data.length) }
}

let root: string
let modelDir: string
let checkpoint: LoadedCheckpoint
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'factory-test-'))
  modelDir = join(root, 'a')
  await createRandomGpt2Folder(modelDir, options)
  checkpoint = await loadHfModelFolder(modelDir)
})
afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})

describe('createRandomGpt2Folder', () => {
  it('writes an HF folder that loads, with the requested shape', async () => {
    expect((await readdir(modelDir)).sort()).toEqual(gpt2FolderFiles)
    expect((await readdir(root)).filter((f) => f.endsWith('.tmp'))).toEqual([])
    const { config } = checkpoint
    expect([config.nLayer, config.nEmbd, config.nHead, config.nPositions, config.vocabSize]).toEqual([
      2, 32, 4, 64, 50257
    ])
    expect([config.bosTokenId, config.eosTokenId, config.tieWordEmbeddings]).toEqual([50256, 50256, true])
    const json = JSON.parse(await readFile(join(modelDir, 'config.json'), 'utf8')) as Record<string, unknown>
    expect(json).toMatchObject({
      _name_or_path: 'tiny-random',
      architectures: ['GPT2LMHeadModel'],
      n_ctx: 64
    })
    const info = await inspectHfModelFolder(modelDir)
    expect(info).toMatchObject({ problem: null, hasTokenizer: true, weightsDtype: 'F32' })
    expect(info.parameterCount).toBe(countGpt2Parameters(config))
  })

  it('initialises weights as GPT-2 does', () => {
    const w = (key: string): Float32Array => checkpoint.weights.get(key)!.data
    const wte = stats(w('wte.weight'))
    expect(Math.abs(wte.mean)).toBeLessThan(2e-4)
    expect(wte.std).toBeGreaterThan(0.0198)
    expect(wte.std).toBeLessThan(0.0202)
    expect(stats(w('wpe.weight')).std).toBeCloseTo(0.02, 3)
    expect(stats(w('h.0.attn.c_attn.weight')).std).toBeCloseTo(0.02, 3)
    expect(stats(w('h.1.mlp.c_fc.weight')).std).toBeCloseTo(0.02, 3)
    // c_proj: 0.02 / sqrt(2 * n_layer) = 0.01
    expect(stats(w('h.0.attn.c_proj.weight')).std).toBeCloseTo(0.01, 3)
    expect(stats(w('h.1.mlp.c_proj.weight')).std).toBeCloseTo(0.01, 3)
    for (const key of ['h.0.attn.c_attn.bias', 'h.1.mlp.c_proj.bias', 'h.0.ln_1.bias', 'ln_f.bias']) {
      expect(w(key).every((v) => v === 0)).toBe(true)
    }
    for (const key of ['h.0.ln_1.weight', 'h.1.ln_2.weight', 'ln_f.weight'])
      expect(w(key).every((v) => v === 1)).toBe(true)
    expect(w('wte.weight').some((v, i) => v !== w('wpe.weight')[i])).toBe(true)
  })

  it('ships the real GPT-2 tokenizer', async () => {
    const tokenizer = await BpeTokenizer.fromFolder(modelDir)
    expect(tokenizer.encode('Hello world<|endoftext|>')).toEqual([15496, 995, 50256])
    expect(tokenizer.encode("I'll say it's")).toEqual([40, 1183, 910, 340, 338])
    expect(tokenizer.eosTokenId).toBe(50256)
    expect(tokenizer.vocabSize).toBe(checkpoint.config.vocabSize)
  })

  it('gives identical bytes for the same seed and different weights for another', async () => {
    const same = join(root, 'b')
    await createRandomGpt2Folder(same, options)
    for (const file of await readdir(modelDir)) {
      expect((await readFile(join(same, file))).equals(await readFile(join(modelDir, file)))).toBe(true)
    }
    const other = join(root, 'c')
    await createRandomGpt2Folder(other, { ...options, seed: 8 })
    expect(
      (await readFile(join(other, 'model.safetensors'))).equals(
        await readFile(join(modelDir, 'model.safetensors'))
      )
    ).toBe(false)
  })

  it('makes small-vocabulary models without a tokenizer, and refuses unsafe requests', async () => {
    const small = join(root, 'small')
    await mkdir(small)
    await createRandomGpt2Folder(small, {
      nLayer: 1,
      nEmbd: 8,
      nHead: 2,
      nPositions: 16,
      vocabSize: 100,
      seed: 1,
      tokenizer: false
    })
    expect(await readdir(small)).toEqual(['config.json', 'model.safetensors'])
    const loaded = await loadHfModelFolder(small)
    expect(loaded.config.eosTokenId).toBe(99)
    expect(loaded.weights.get('wte.weight')!.shape).toEqual([100, 8])
    await expect(createRandomGpt2Folder(join(root, 'd'), { ...options, vocabSize: 1000 })).rejects.toThrow(
      /vocabSize 1000 is smaller than the GPT-2 tokenizer's 50257 ids/
    )
    await expect(createRandomGpt2Folder(join(root, 'e'), { ...options, nHead: 5 })).rejects.toThrow(
      /n_embd 32 is not divisible by n_head 5/
    )
    await expect(createRandomGpt2Folder(modelDir, options)).rejects.toThrow(/already exists and is not empty/)
  })
})
