// The decoder families LoRA Studio trains, and which linear layers LoRA can target in each: the single
// list the engine, the registry, the presets and the Train form's checkboxes read.
import { z } from 'zod'

export const MODEL_FAMILIES = ['gpt2', 'llama', 'qwen2', 'qwen3'] as const
export const ModelFamilySchema = z.enum(MODEL_FAMILIES)
export type ModelFamily = (typeof MODEL_FAMILIES)[number]

const LLAMA_MODULES = ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'] as const

/** Module names LoRA may target, as PEFT's `target_modules` spells them. */
export const FAMILY_TARGET_MODULES: Record<ModelFamily, readonly string[]> = {
  gpt2: ['c_attn', 'c_proj', 'c_fc'],
  llama: LLAMA_MODULES,
  qwen2: LLAMA_MODULES,
  qwen3: LLAMA_MODULES
}

export interface FamilyPreset {
  targetModules: string[]
  rank: number
  alpha: number
}

/** The LoRA settings a new run starts from for a model of `family` (Llama/Qwen: q/k/v/o, r 16, alpha 32). */
export function familyPreset(family: ModelFamily): FamilyPreset {
  return family === 'gpt2'
    ? { targetModules: ['c_attn'], rank: 8, alpha: 16 }
    : { targetModules: ['q_proj', 'k_proj', 'v_proj', 'o_proj'], rank: 16, alpha: 32 }
}
