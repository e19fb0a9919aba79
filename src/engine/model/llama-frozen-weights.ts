// A Llama/Qwen2/Qwen3 model's frozen weights as plain tfjs tensors: every nn.Linear kept as w = Wᵀ
// `[in, out]` for the forward product and W `[out, in]` itself for `dy·Wᵀ`, so every product in forward
// and backward is a plain 2-D matMul; the embedding and LM head in blocks as GPT-2's.
import * as tf from '@tensorflow/tfjs-core'
import type { LlamaConfig } from '../formats/llama-config'
import { LLAMA_LINEARS, llamaLinearShape, llamaWeightShapes } from '../formats/llama-weights'
import type { LlamaLinear } from '../formats/llama-weights'
import { maxBindingBytes } from '../webgpu-adapter'
import { checkedWeights, createLmHead, disposeLmHead, linearTensors } from './frozen-weights'
import type { FrozenLinear, LmHeadWeights, WeightArray } from './frozen-weights'
import { createRowTable, disposeRowTable } from './row-table'
import type { RowTable } from './row-table'

export interface LlamaLayerWeights {
  inputLayernorm: tf.Tensor1D
  linears: Record<LlamaLinear, FrozenLinear>
  /** Qwen3's per-head RMSNorm weights of q and k (null in llama and qwen2). */
  qNorm: tf.Tensor1D | null
  kNorm: tf.Tensor1D | null
  postAttentionLayernorm: tf.Tensor1D
}

export interface LlamaWeights {
  embedTokens: RowTable
  layers: LlamaLayerWeights[]
  norm: tf.Tensor1D
  lmHead: LmHeadWeights
}

/**
 * Backend tensors from loaded float32 arrays keyed as transformers names them, every shape checked
 * against the config. `limit`: bytes one tensor may have (default: what the backend can bind).
 */
export function createLlamaWeights(
  config: LlamaConfig,
  arrays: ReadonlyMap<string, WeightArray>,
  limit = maxBindingBytes()
): LlamaWeights {
  const split = ['model.embed_tokens.weight', 'lm_head.weight']
  const entryOf = checkedWeights(llamaWeightShapes(config), arrays, split, limit)
  const vector = (key: string): tf.Tensor1D => tf.tensor1d(entryOf(key).data)
  const linear = (prefix: string, name: LlamaLinear): FrozenLinear => {
    const s = llamaLinearShape(config, name)
    const wT = tf.tensor2d(entryOf(`${prefix}${name}.weight`).data, [s.out, s.in])
    return { w: tf.transpose(wT), wT, b: s.bias ? vector(`${prefix}${name}.bias`) : null }
  }
  const embed = entryOf('model.embed_tokens.weight')
  const embedTokens = createRowTable(embed.data, config.vocabSize, config.hiddenSize, limit)
  const layers: LlamaLayerWeights[] = []
  for (let i = 0; i < config.numHiddenLayers; i++) {
    const p = `model.layers.${i}.`
    layers.push({
      inputLayernorm: vector(`${p}input_layernorm.weight`),
      linears: Object.fromEntries(LLAMA_LINEARS.map((name) => [name, linear(p, name)])) as Record<
        LlamaLinear,
        FrozenLinear
      >,
      qNorm: config.qkNorm ? vector(`${p}self_attn.q_norm.weight`) : null,
      kNorm: config.qkNorm ? vector(`${p}self_attn.k_norm.weight`) : null,
      postAttentionLayernorm: vector(`${p}post_attention_layernorm.weight`)
    })
  }
  const lmHead = config.tieWordEmbeddings
    ? createLmHead(embed, { rows: embedTokens, limitBytes: limit })
    : createLmHead(entryOf('lm_head.weight'), { limitBytes: limit })
  return { embedTokens, layers, norm: vector('model.norm.weight'), lmHead }
}

export function disposeLlamaWeights(weights: LlamaWeights): void {
  disposeLmHead(weights.lmHead, weights.lmHead.rows === weights.embedTokens)
  disposeRowTable(weights.embedTokens)
  const all: tf.Tensor[] = [weights.norm]
  for (const layer of weights.layers) {
    all.push(layer.inputLayernorm, layer.postAttentionLayernorm)
    if (layer.qNorm !== null) all.push(layer.qNorm)
    if (layer.kNorm !== null) all.push(layer.kNorm)
    for (const name of LLAMA_LINEARS) all.push(...linearTensors(layer.linears[name]))
  }
  tf.dispose(all)
}
