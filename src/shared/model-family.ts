// The decoder families LoRA Studio trains, and which linear layers LoRA can target in each: the single
// list the engine, the registry, the presets and the Train form's checkboxes read.
import { z } from 'zod'

export const MODEL_FAMILIES = ['gpt2', 'llama', 'qwen2', 'qwen3'] as const
export const ModelFamilySchema = z.enum(MODEL_FAMILIES)
export type ModelFamily = (typeof MODEL_FAMILIES)[number]

/** transformers' names under `model.layers.N.`: attention projections, then the SwiGLU MLP. */
const LLAMA_MODULES: readonly string[] = [
  ...['q', 'k', 'v', 'o'].map((p) => `self_attn.${p}_proj`),
  ...['gate', 'up', 'down'].map((p) => `mlp.${p}_proj`)
]

/** The modules the Train form offers as LoRA targets, as PEFT's `target_modules` spells them. */
export const FAMILY_TARGET_MODULES: Record<ModelFamily, readonly string[]> = {
  gpt2: ['attn.c_attn', 'attn.c_proj', 'mlp.c_fc', 'mlp.c_proj'],
  llama: LLAMA_MODULES,
  qwen2: LLAMA_MODULES,
  qwen3: LLAMA_MODULES
}

export interface FamilyPreset {
  targetModules: string[]
  rank: number
  alpha: number
}

/**
 * The LoRA settings for a model of `family` when the form's targets name none of its modules: GPT-2
 * keeps PEFT's defaults on c_attn; Llama/Qwen take q/k/v/o with r 16, alpha 32.
 */
export function familyPreset(family: ModelFamily): FamilyPreset {
  return family === 'gpt2'
    ? { targetModules: ['c_attn'], rank: 8, alpha: 8 }
    : { targetModules: ['q_proj', 'k_proj', 'v_proj', 'o_proj'], rank: 16, alpha: 32 }
}

/** PEFT's rule: a target matches a module when it is its name or a `.`-suffix of it. */
export function targetMatches(target: string, module: string): boolean {
  return module === target || module.endsWith(`.${target}`)
}

/** Whether any of `targets` names a module LoRA can put an adapter on in `family`. */
export function targetsFitFamily(targets: readonly string[], family: ModelFamily): boolean {
  return targets.some((t) => FAMILY_TARGET_MODULES[family].some((m) => targetMatches(t, m)))
}
