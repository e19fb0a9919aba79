// The tensors a Llama/Qwen2/Qwen3 checkpoint must hold, by transformers' key names, and their shapes from
// the config: the single source for loading, validating and counting parameters of these families.
import type { LlamaConfig } from './llama-config'
import { parameterCount } from './weight-count'

/** The linear layers of decoder layer N, in forward order, as transformers names them after `model.layers.N.`. */
export const LLAMA_LINEARS = [
  'self_attn.q_proj',
  'self_attn.k_proj',
  'self_attn.v_proj',
  'self_attn.o_proj',
  'mlp.gate_proj',
  'mlp.up_proj',
  'mlp.down_proj'
] as const
export type LlamaLinear = (typeof LLAMA_LINEARS)[number]

/** `[out, in]` of one linear layer (nn.Linear's weight layout) and whether it has a bias. */
export function llamaLinearShape(
  config: LlamaConfig,
  name: LlamaLinear
): { out: number; in: number; bias: boolean } {
  const { hiddenSize: d, intermediateSize: inter, headDim: hd } = config
  const q = config.numAttentionHeads * hd
  const kv = config.numKeyValueHeads * hd
  switch (name) {
    case 'self_attn.q_proj':
      return { out: q, in: d, bias: config.attentionBias }
    case 'self_attn.k_proj':
    case 'self_attn.v_proj':
      return { out: kv, in: d, bias: config.attentionBias }
    case 'self_attn.o_proj':
      return { out: d, in: q, bias: config.outputBias }
    case 'mlp.gate_proj':
    case 'mlp.up_proj':
      return { out: inter, in: d, bias: false }
    case 'mlp.down_proj':
      return { out: d, in: inter, bias: false }
  }
}

/** Expected weights by key; `lm_head.weight` only for untied configs. */
export function llamaWeightShapes(config: LlamaConfig): Map<string, number[]> {
  const { vocabSize: v, hiddenSize: d, headDim: hd } = config
  const shapes = new Map<string, number[]>([['model.embed_tokens.weight', [v, d]]])
  for (let i = 0; i < config.numHiddenLayers; i++) {
    const p = `model.layers.${i}.`
    shapes.set(`${p}input_layernorm.weight`, [d])
    for (const name of LLAMA_LINEARS) {
      const s = llamaLinearShape(config, name)
      shapes.set(`${p}${name}.weight`, [s.out, s.in])
      if (s.bias) shapes.set(`${p}${name}.bias`, [s.out])
      if (name === 'self_attn.o_proj' && config.qkNorm) {
        shapes.set(`${p}self_attn.q_norm.weight`, [hd])
        shapes.set(`${p}self_attn.k_norm.weight`, [hd])
      }
    }
    shapes.set(`${p}post_attention_layernorm.weight`, [d])
  }
  shapes.set('model.norm.weight', [d])
  if (!config.tieWordEmbeddings) shapes.set('lm_head.weight', [v, d])
  return shapes
}

/** Parameter count as transformers' `model.num_parameters()` reports it (a tied head counted once). */
export function countLlamaParameters(config: LlamaConfig): number {
  return parameterCount(llamaWeightShapes(config))
}
