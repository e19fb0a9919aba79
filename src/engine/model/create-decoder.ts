// The engine model for a loaded decoder folder, whichever family its config names.
import type { DecoderConfig } from '../formats/decoder-folder'
import type { DecoderModel } from './decoder-model'
import type { WeightArray } from './frozen-weights'
import { Gpt2Model } from './gpt2-model'
import { createLlamaWeights } from './llama-frozen-weights'
import { LlamaModel } from './llama-model'
import type { LoraAdapter } from './lora'

/** GPT-2 or a Llama family over the loaded arrays (which the caller may drop afterwards). */
export function createDecoderModel(
  config: DecoderConfig,
  arrays: ReadonlyMap<string, WeightArray>,
  lora: LoraAdapter | null = null
): DecoderModel {
  return config.modelType === 'gpt2'
    ? Gpt2Model.fromArrays(config, arrays, lora)
    : new LlamaModel(config, createLlamaWeights(config, arrays), lora)
}
