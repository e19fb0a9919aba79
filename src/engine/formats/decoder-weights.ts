// The weights of any decoder family by its config (GPT-2's or a Llama family's shapes), so code that
// only needs "which tensors, what shapes, how many parameters" — LoRA's PEFT line, the bench's random
// models — asks one place instead of branching on the family itself.
import type { DecoderConfig } from './decoder-folder'
import { gpt2WeightShapes } from './gpt2-weights'
import { llamaWeightShapes } from './llama-weights'
import { parameterCount } from './weight-count'

/** Expected weights by key as the family's loader keys them (GPT-2 without `transformer.`). */
export function decoderWeightShapes(config: DecoderConfig): Map<string, number[]> {
  return config.modelType === 'gpt2' ? gpt2WeightShapes(config) : llamaWeightShapes(config)
}

/** Parameter count as transformers' `model.num_parameters()` reports it (a tied head counted once). */
export function countDecoderParameters(config: DecoderConfig): number {
  return parameterCount(decoderWeightShapes(config))
}
