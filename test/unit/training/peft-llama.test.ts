// PEFT adapter folders for the Llama families: keys under `base_model.model.model.layers.N.…`,
// fan_in_fan_out false (nn.Linear), read back bit for bit against the base config; GPT-2 and Llama
// adapters are refused on each other's base with the reason.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadHfModelFolder } from '../../../src/engine/formats/hf-model-folder'
import { readLlamaConfig } from '../../../src/engine/formats/llama-model-folder'
import { readSafetensorsHeader } from '../../../src/engine/formats/safetensors'
import { readPeftAdapter, writePeftAdapter } from '../../../src/engine/training/peft-adapter'
import type { PeftAdapter } from '../../../src/engine/training/peft-adapter'
import { fixturesDir, requireFixture, tinyModelDir } from '../engine/fixtures-dir'
import { loadReferenceTensors } from '../engine/gpt2-reference'

const work = mkdtempSync(join(tmpdir(), 'peft-llama-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))
const qwen2Dir = requireFixture(join(fixturesDir, 'qwen2-tiny'))

async function qwen2Adapter(): Promise<PeftAdapter> {
  const ref = await loadReferenceTensors(qwen2Dir)
  return {
    settings: { r: 4, alpha: 8, dropout: 0, targetModules: ['q_proj', 'v_proj', 'up_proj'], rsLora: false },
    modules: ref.initLora,
    baseModel: 'Qwen/Qwen2.5-0.5B'
  }
}

/** Writes the qwen2-tiny reference's LoRA init as an adapter folder `name`; returns the folder and the adapter. */
async function writtenQwen2Adapter(name: string): Promise<{ dir: string; adapter: PeftAdapter }> {
  const adapter = await qwen2Adapter()
  const dir = join(work, name)
  await writePeftAdapter(dir, adapter)
  return { dir, adapter }
}

describe('PEFT adapters of Llama-family models', () => {
  it('writes transformers module paths and fan_in_fan_out false, and reads them back bit for bit', async () => {
    const { dir, adapter } = await writtenQwen2Adapter('qwen2')
    const cfg = JSON.parse(readFileSync(join(dir, 'adapter_config.json'), 'utf8'))
    expect(cfg).toMatchObject({
      target_modules: ['q_proj', 'v_proj', 'up_proj'],
      fan_in_fan_out: false,
      base_model_name_or_path: 'Qwen/Qwen2.5-0.5B'
    })
    const header = await readSafetensorsHeader(join(dir, 'adapter_model.safetensors'))
    expect([...header.entries.keys()].sort()).toEqual(
      [0, 1]
        .flatMap((i) =>
          ['self_attn.q_proj', 'self_attn.v_proj', 'mlp.up_proj'].flatMap((m) =>
            ['A', 'B'].map((w) => `base_model.model.model.layers.${i}.${m}.lora_${w}.weight`)
          )
        )
        .sort()
    )
    // q_proj is [64 → 64], v_proj [64 → 32] with 2 of 4 heads for keys/values, up_proj [64 → 128].
    expect(
      header.entries.get('base_model.model.model.layers.1.self_attn.v_proj.lora_B.weight')?.shape
    ).toEqual([32, 4])
    expect(header.entries.get('base_model.model.model.layers.0.mlp.up_proj.lora_A.weight')?.shape).toEqual([
      4, 64
    ])

    const back = await readPeftAdapter(dir, await readLlamaConfig(join(qwen2Dir, 'model')))
    expect(back.settings).toEqual(adapter.settings)
    expect([...back.modules.keys()].sort()).toEqual([...adapter.modules.keys()].sort())
    for (const [name, pair] of adapter.modules) {
      expect(back.modules.get(name)?.a).toEqual(pair.a)
      expect(back.modules.get(name)?.b).toEqual(pair.b)
    }
  })

  it("refuses a GPT-2 adapter on a Llama-family base and a Llama one on GPT-2's, saying why", async () => {
    const { dir } = await writtenQwen2Adapter('qwen2-for-gpt2')
    const gpt2 = (await loadHfModelFolder(join(requireFixture(tinyModelDir), 'model'))).config
    await expect(readPeftAdapter(dir, gpt2)).rejects.toThrow(
      'fan_in_fan_out is false, but GPT-2 Conv1D layers need true'
    )
    const gpt2Ref = await loadReferenceTensors(tinyModelDir)
    const gpt2Dir = join(work, 'gpt2-for-llama')
    await writePeftAdapter(gpt2Dir, {
      settings: { r: 4, alpha: 8, dropout: 0, targetModules: ['attn.c_attn', 'attn.c_proj'], rsLora: false },
      modules: gpt2Ref.initLora,
      baseModel: 'gpt2'
    })
    const llama = await readLlamaConfig(join(fixturesDir, 'llama-tiny', 'model'))
    await expect(readPeftAdapter(gpt2Dir, llama)).rejects.toThrow(
      "fan_in_fan_out is true, but llama's nn.Linear layers need false; this adapter was made for GPT-2"
    )
  })
})
