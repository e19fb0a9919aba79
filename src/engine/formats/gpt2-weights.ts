// The tensors a GPT-2 checkpoint must hold and their shapes, derived from its config: the single
// source for loading, validating, counting parameters and creating random models.
import type { Gpt2Config } from './hf-config'
import { parameterCount } from './weight-count'

/**
 * Expected weights by normalised key (no `transformer.` prefix), Conv1D weights as `[in, out]`.
 * `lm_head.weight` is included only for untied configs.
 */
export function gpt2WeightShapes(config: Gpt2Config): Map<string, number[]> {
  const { vocabSize: v, nPositions: p, nEmbd: e, nInner: inner } = config
  const shapes = new Map<string, number[]>([
    ['wte.weight', [v, e]],
    ['wpe.weight', [p, e]]
  ])
  for (let i = 0; i < config.nLayer; i++) {
    const h = `h.${i}.`
    shapes.set(`${h}ln_1.weight`, [e])
    shapes.set(`${h}ln_1.bias`, [e])
    shapes.set(`${h}attn.c_attn.weight`, [e, 3 * e])
    shapes.set(`${h}attn.c_attn.bias`, [3 * e])
    shapes.set(`${h}attn.c_proj.weight`, [e, e])
    shapes.set(`${h}attn.c_proj.bias`, [e])
    shapes.set(`${h}ln_2.weight`, [e])
    shapes.set(`${h}ln_2.bias`, [e])
    shapes.set(`${h}mlp.c_fc.weight`, [e, inner])
    shapes.set(`${h}mlp.c_fc.bias`, [inner])
    shapes.set(`${h}mlp.c_proj.weight`, [inner, e])
    shapes.set(`${h}mlp.c_proj.bias`, [e])
  }
  shapes.set('ln_f.weight', [e])
  shapes.set('ln_f.bias', [e])
  if (!config.tieWordEmbeddings) shapes.set('lm_head.weight', [v, e])
  return shapes
}

/** Trainable-size parameter count as `model.num_parameters()` reports it (tied lm_head counted once). */
export function countGpt2Parameters(config: Gpt2Config): number {
  return parameterCount(gpt2WeightShapes(config))
}

/** Buffers that HF checkpoints carry but that are not weights (the causal mask). */
export function isIgnoredGpt2Key(key: string): boolean {
  return /(^|\.)attn\.(bias|masked_bias)$/.test(key)
}

/** Strips the `transformer.` prefix that GPT2LMHeadModel's state dict has and the original `gpt2` repo lacks. */
export function normaliseGpt2Key(key: string): string {
  return key.startsWith('transformer.') ? key.slice('transformer.'.length) : key
}
