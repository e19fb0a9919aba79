// PEFT adapter folders: written exactly in PEFT's layout, read back bit for bit, refused with a clear
// message when they do not fit the base model; and the merged export's W + scaling·(B·A)ᵀ.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadHfModelFolder } from '../../../src/engine/formats/hf-model-folder'
import { readSafetensors, readSafetensorsHeader } from '../../../src/engine/formats/safetensors'
import { mergeLoraPair } from '../../../src/engine/training/lora-merge'
import { writeMergedModel } from '../../../src/engine/training/merged-export'
import {
  readPeftAdapter,
  writeFolderAtomically,
  writePeftAdapter,
  type PeftAdapter
} from '../../../src/engine/training/peft-adapter'
import { requireFixture, tinyModelDir } from '../engine/fixtures-dir'
import { referenceInitLora } from './tiny-runs'

const work = mkdtempSync(join(tmpdir(), 'peft-adapter-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))
const modelDir = join(tinyModelDir, 'model')
requireFixture(tinyModelDir)

async function fixtureAdapter(): Promise<PeftAdapter> {
  const modules = await referenceInitLora()
  return {
    settings: { r: 4, alpha: 8, dropout: 0, targetModules: ['attn.c_attn', 'attn.c_proj'], rsLora: false },
    modules,
    baseModel: modelDir
  }
}

describe('PEFT adapter folder', () => {
  it('writes PEFT layout and reads it back bit for bit', async () => {
    const adapter = await fixtureAdapter()
    const dir = join(work, 'adapter')
    await writePeftAdapter(dir, adapter)
    const cfg = JSON.parse(readFileSync(join(dir, 'adapter_config.json'), 'utf8'))
    expect(cfg).toMatchObject({
      peft_type: 'LORA',
      task_type: 'CAUSAL_LM',
      r: 4,
      lora_alpha: 8,
      lora_dropout: 0,
      target_modules: ['attn.c_attn', 'attn.c_proj'],
      fan_in_fan_out: true,
      bias: 'none',
      use_rslora: false,
      inference_mode: true,
      init_lora_weights: true,
      modules_to_save: null,
      layers_to_transform: null,
      base_model_name_or_path: modelDir
    })
    expect(Object.keys(cfg)).toEqual([...Object.keys(cfg)].sort())
    const header = await readSafetensorsHeader(join(dir, 'adapter_model.safetensors'))
    expect(header.metadata).toEqual({ format: 'pt' })
    expect(header.entries.get('base_model.model.transformer.h.1.attn.c_attn.lora_A.weight')?.shape).toEqual([
      4, 64
    ])
    expect(header.entries.get('base_model.model.transformer.h.1.attn.c_attn.lora_B.weight')?.shape).toEqual([
      192, 4
    ])
    expect(header.entries.size).toBe(8)

    const back = await readPeftAdapter(dir, (await loadHfModelFolder(modelDir)).config)
    expect(back.settings).toEqual(adapter.settings)
    for (const [name, pair] of adapter.modules) {
      expect(back.modules.get(name)?.a).toEqual(pair.a)
      expect(back.modules.get(name)?.b).toEqual(pair.b)
    }
  })

  it('refuses adapters that do not fit the base model, saying why', async () => {
    const base = (await loadHfModelFolder(modelDir)).config
    const adapter = await fixtureAdapter()
    const dir = join(work, 'bad')
    await writePeftAdapter(dir, adapter)
    await expect(readPeftAdapter(dir, { ...base, nEmbd: 128 })).rejects.toThrow(
      /h\.0\.attn\.c_attn\.lora_A\.weight" has shape \[4,64\].*\[4,128\].*different base model/
    )
    await expect(readPeftAdapter(dir, { ...base, nLayer: 1 })).rejects.toThrow(
      /has no module h\.1\.attn\.c_attn/
    )
    const cfgPath = join(dir, 'adapter_config.json')
    const cfg = JSON.parse(readFileSync(cfgPath, 'utf8'))
    writeFileSync(cfgPath, JSON.stringify({ ...cfg, target_modules: ['c_attn'] }))
    await expect(readPeftAdapter(dir, base)).rejects.toThrow(
      /h\.0\.attn\.c_proj has LoRA weights but target_modules/
    )
    writeFileSync(cfgPath, JSON.stringify({ ...cfg, peft_type: 'IA3' }))
    await expect(readPeftAdapter(dir, base)).rejects.toThrow(/only LoRA adapters/)
    await expect(readPeftAdapter(join(work, 'nowhere'), base)).rejects.toThrow(/no adapter_config\.json/)
  })

  it('merges W + scaling·(B·A)ᵀ into a Conv1D [in, out] weight', () => {
    const w = { shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6]) }
    const a = Float32Array.from([1, 2]) // [r=1, in=2]
    const b = Float32Array.from([1, 0, -1]) // [out=3, r=1]
    // (B·A)ᵀ = [[1, 0, -1], [2, 0, -2]]; scaling 2
    expect([...mergeLoraPair(w, { a, b }, 1, 2, 'conv1d')]).toEqual([3, 2, 1, 8, 5, 2])
  })

  it('merges W + scaling·B·A into an nn.Linear [out, in] weight', () => {
    const w = { shape: [3, 2], data: Float32Array.from([1, 2, 3, 4, 5, 6]) }
    const a = Float32Array.from([1, 2, 0, 1]) // [r=2, in=2]
    const b = Float32Array.from([1, 0, 0, 1, 1, -1]) // [out=3, r=2]
    // B·A = [[1, 2], [0, 1], [1, 1]]; scaling 2
    expect([...mergeLoraPair(w, { a, b }, 2, 2, 'linear')]).toEqual([3, 6, 3, 6, 7, 8])
    expect(() => mergeLoraPair(w, { a, b }, 2, 2, 'conv1d')).toThrow(
      /do not fit a Conv1D weight \[in, out\] \[3,2\]/
    )
  })

  it('writes a merged HF folder with GPT2LMHeadModel keys', async () => {
    const base = await loadHfModelFolder(modelDir)
    const dir = join(work, 'merged')
    await writeMergedModel(dir, base, await fixtureAdapter())
    const merged = await loadHfModelFolder(dir)
    const { tensors } = await readSafetensors(join(dir, 'model.safetensors'))
    expect(tensors.has('transformer.h.0.attn.c_attn.weight')).toBe(true)
    expect(merged.config).toEqual(base.config)
    expect(merged.weights.get('h.0.mlp.c_fc.weight')?.data).toEqual(
      base.weights.get('h.0.mlp.c_fc.weight')?.data
    )
    expect(merged.weights.get('h.0.attn.c_attn.weight')?.data).not.toEqual(
      base.weights.get('h.0.attn.c_attn.weight')?.data
    )
  })
})

describe('atomic folder writes', () => {
  it('leaves the previous folder whole when writing the new one fails', async () => {
    const dir = join(work, 'atomic', 'target')
    await writeFolderAtomically(dir, async (tmp) => writeFileSync(join(tmp, 'a.txt'), 'first'))
    await expect(
      writeFolderAtomically(dir, async (tmp) => {
        writeFileSync(join(tmp, 'a.txt'), 'second')
        throw new Error('ENOSPC: no space left on device')
      })
    ).rejects.toThrow(/ENOSPC/)
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('first')
    expect(readdirSync(join(work, 'atomic'))).toEqual(['target'])
    await writeFolderAtomically(dir, async (tmp) => writeFileSync(join(tmp, 'a.txt'), 'third'))
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('third')
    expect(readdirSync(join(work, 'atomic'))).toEqual(['target'])
  })
})
