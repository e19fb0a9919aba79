// config.json of the Llama-style decoder families (model_type "llama", "qwen2", "qwen3": SmolLM2, Llama 3.x,
// Qwen2/2.5, Qwen3) parsed into the engine's camelCase config, with transformers' defaults; features the
// engine does not implement (sliding windows, other RoPE scalings, other activations) are refused by name.
import { z } from 'zod'
import { HfConfigError } from './hf-config'

export const LLAMA_FAMILIES = ['llama', 'qwen2', 'qwen3'] as const
export type LlamaFamily = (typeof LLAMA_FAMILIES)[number]

/** Llama 3's frequency-dependent RoPE scaling (`rope_scaling.rope_type: "llama3"`). */
export interface Llama3RopeScaling {
  factor: number
  lowFreqFactor: number
  highFreqFactor: number
  originalMaxPositionEmbeddings: number
}

export interface LlamaConfig {
  modelType: LlamaFamily
  vocabSize: number
  hiddenSize: number
  intermediateSize: number
  numHiddenLayers: number
  numAttentionHeads: number
  numKeyValueHeads: number
  /** Width of one attention head (Qwen3: 128 with hidden/heads 64). */
  headDim: number
  maxPositionEmbeddings: number
  rmsNormEps: number
  ropeTheta: number
  ropeScaling: Llama3RopeScaling | null
  tieWordEmbeddings: boolean
  /** Biases on q_proj, k_proj, v_proj: always in qwen2, `attention_bias` in llama and qwen3. */
  attentionBias: boolean
  /** A bias on o_proj: `attention_bias` in llama and qwen3, never in qwen2. */
  outputBias: boolean
  /** RMSNorm over each head of q and k before the rotation (qwen3). */
  qkNorm: boolean
  bosTokenId: number | null
  /** The first of `eos_token_id` when it is a list. */
  eosTokenId: number | null
  attentionDropout: number
  initializerRange: number
}

const positiveInt = z.number().int().positive()
const tokenIds = z.union([z.number().int().min(0), z.array(z.number().int().min(0)).min(1)]).nullable()

const ropeScaling = z
  .looseObject({
    rope_type: z.string().optional(),
    type: z.string().optional(),
    factor: z.number().positive().optional(),
    low_freq_factor: z.number().positive().optional(),
    high_freq_factor: z.number().positive().optional(),
    original_max_position_embeddings: positiveInt.optional()
  })
  .nullable()

/** Field names and defaults as in transformers' LlamaConfig / Qwen2Config / Qwen3Config. */
const rawLlamaConfig = z.looseObject({
  model_type: z.enum(LLAMA_FAMILIES),
  vocab_size: positiveInt,
  hidden_size: positiveInt,
  intermediate_size: positiveInt,
  num_hidden_layers: positiveInt,
  num_attention_heads: positiveInt,
  num_key_value_heads: positiveInt.nullable().optional(),
  head_dim: positiveInt.nullable().optional(),
  max_position_embeddings: positiveInt.default(2048),
  rms_norm_eps: z.number().positive().default(1e-6),
  rope_theta: z.number().positive().default(10000),
  rope_scaling: ropeScaling.default(null),
  tie_word_embeddings: z.boolean().default(false),
  attention_bias: z.boolean().default(false),
  mlp_bias: z.literal(false, { error: 'only false is supported (no biases in the MLP)' }).optional(),
  hidden_act: z.literal('silu', { error: 'only "silu" (SwiGLU) is supported' }).default('silu'),
  use_sliding_window: z
    .literal(false, { error: 'sliding-window attention is not supported; set it to false' })
    .optional(),
  pretraining_tp: z.literal(1, { error: 'only 1 is supported' }).optional(),
  attention_dropout: z.number().min(0).lt(1).default(0),
  initializer_range: z.number().positive().default(0.02),
  bos_token_id: tokenIds.default(null),
  eos_token_id: tokenIds.default(null)
})

function firstId(ids: number | number[] | null): number | null {
  return Array.isArray(ids) ? ids[0] : ids
}

function parseRopeScaling(raw: z.infer<typeof ropeScaling>, file: string): Llama3RopeScaling | null {
  if (raw === null) return null
  const type = raw.rope_type ?? raw.type ?? 'default'
  if (type === 'default') return null
  if (type !== 'llama3') {
    throw new HfConfigError(
      file,
      'rope_scaling.rope_type',
      `is "${type}", but LoRA Studio supports only "llama3" RoPE scaling (or none); use a model without it`
    )
  }
  const need = (value: number | undefined, field: string): number => {
    if (value === undefined)
      throw new HfConfigError(file, `rope_scaling.${field}`, 'is missing; llama3 RoPE scaling needs it')
    return value
  }
  return {
    factor: need(raw.factor, 'factor'),
    lowFreqFactor: need(raw.low_freq_factor, 'low_freq_factor'),
    highFreqFactor: need(raw.high_freq_factor, 'high_freq_factor'),
    originalMaxPositionEmbeddings: need(
      raw.original_max_position_embeddings,
      'original_max_position_embeddings'
    )
  }
}

/** Whether a config.json object names one of the Llama-style families. */
export function isLlamaFamilyJson(json: unknown): boolean {
  return (
    typeof json === 'object' &&
    json !== null &&
    (LLAMA_FAMILIES as readonly unknown[]).includes((json as { model_type?: unknown }).model_type)
  )
}

export function parseLlamaConfig(json: unknown, file: string): LlamaConfig {
  if (!isLlamaFamilyJson(json)) {
    const type =
      typeof json === 'object' && json !== null ? (json as { model_type?: unknown }).model_type : undefined
    throw new HfConfigError(
      file,
      'model_type',
      `is ${JSON.stringify(type)}, but this loader reads only ${LLAMA_FAMILIES.map((f) => `"${f}"`).join(', ')} ` +
        '(SmolLM2, Llama 3.x, Qwen2/2.5, Qwen3)'
    )
  }
  const parsed = rawLlamaConfig.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new HfConfigError(
      file,
      issue.path.map(String).join('.'),
      `${issue.message}; fix config.json or take it from the model's original folder`
    )
  }
  const raw = parsed.data
  const heads = raw.num_attention_heads
  const kvHeads = raw.num_key_value_heads ?? heads
  if (heads % kvHeads !== 0) {
    throw new HfConfigError(
      file,
      'num_key_value_heads',
      `${kvHeads} does not divide num_attention_heads ${heads}`
    )
  }
  const headDim = raw.head_dim ?? raw.hidden_size / heads
  if (!Number.isInteger(headDim) || headDim % 2 !== 0) {
    throw new HfConfigError(
      file,
      'head_dim',
      `${headDim} (hidden_size / num_attention_heads when absent) must be an even whole number for rotary embeddings`
    )
  }
  const qwen2 = raw.model_type === 'qwen2'
  return {
    modelType: raw.model_type,
    vocabSize: raw.vocab_size,
    hiddenSize: raw.hidden_size,
    intermediateSize: raw.intermediate_size,
    numHiddenLayers: raw.num_hidden_layers,
    numAttentionHeads: heads,
    numKeyValueHeads: kvHeads,
    headDim,
    maxPositionEmbeddings: raw.max_position_embeddings,
    rmsNormEps: raw.rms_norm_eps,
    ropeTheta: raw.rope_theta,
    ropeScaling: parseRopeScaling(raw.rope_scaling, file),
    tieWordEmbeddings: raw.tie_word_embeddings,
    attentionBias: qwen2 || raw.attention_bias,
    outputBias: !qwen2 && raw.attention_bias,
    qkNorm: raw.model_type === 'qwen3',
    bosTokenId: firstId(raw.bos_token_id),
    eosTokenId: firstId(raw.eos_token_id),
    attentionDropout: raw.attention_dropout,
    initializerRange: raw.initializer_range
  }
}
