// GPT-2's `config.json` as Hugging Face writes it, parsed into the camelCase config the engine uses
// (with transformers' defaults for missing fields) and written back in a form transformers loads.
import { z } from 'zod'

export const GPT2_ACTIVATIONS = [
  'gelu_new',
  'gelu_pytorch_tanh',
  'gelu_fast',
  'gelu',
  'quick_gelu',
  'relu',
  'silu',
  'swish',
  'tanh'
] as const
export type Gpt2Activation = (typeof GPT2_ACTIVATIONS)[number]

export interface Gpt2Config {
  modelType: 'gpt2'
  vocabSize: number
  nPositions: number
  nEmbd: number
  nLayer: number
  nHead: number
  /** Width of the MLP; `n_inner: null` in the file resolves to 4 * nEmbd. */
  nInner: number
  layerNormEpsilon: number
  activationFunction: Gpt2Activation
  tieWordEmbeddings: boolean
  bosTokenId: number
  eosTokenId: number
  residPdrop: number
  embdPdrop: number
  attnPdrop: number
  initializerRange: number
}

/** A config.json that cannot be used; names the file and the field. */
export class HfConfigError extends Error {
  readonly file: string
  readonly field: string
  constructor(file: string, field: string, message: string) {
    super(`${file}: ${field ? `${field}: ` : ''}${message}`)
    this.name = 'HfConfigError'
    this.file = file
    this.field = field
  }
}

const positiveInt = z.number().int().positive()
const probability = z.number().min(0).lt(1)
const tokenId = z.number().int().min(0)

/** Field names and defaults as in transformers' GPT2Config / PretrainedConfig. */
const rawGpt2Config = z.looseObject({
  model_type: z.literal('gpt2').optional(),
  vocab_size: positiveInt.default(50257),
  n_positions: positiveInt.optional(),
  n_ctx: positiveInt.optional(),
  n_embd: positiveInt.default(768),
  n_layer: positiveInt.default(12),
  n_head: positiveInt.default(12),
  n_inner: positiveInt.nullable().default(null),
  activation_function: z.enum(GPT2_ACTIVATIONS).default('gelu_new'),
  resid_pdrop: probability.default(0.1),
  embd_pdrop: probability.default(0.1),
  attn_pdrop: probability.default(0.1),
  layer_norm_epsilon: z.number().positive().default(1e-5),
  initializer_range: z.number().positive().default(0.02),
  bos_token_id: tokenId.nullable().default(50256),
  eos_token_id: tokenId.nullable().default(50256),
  tie_word_embeddings: z.boolean().default(true),
  scale_attn_weights: z.literal(true, { error: 'only true (the GPT-2 default) is supported' }).optional(),
  scale_attn_by_inverse_layer_idx: z
    .literal(false, { error: 'only false (the GPT-2 default) is supported' })
    .optional(),
  reorder_and_upcast_attn: z.boolean().optional(),
  add_cross_attention: z.literal(false, { error: 'encoder-decoder GPT-2 is not supported' }).optional()
})

export function parseGpt2Config(json: unknown, file: string): Gpt2Config {
  if (typeof json === 'object' && json !== null && 'model_type' in json) {
    const type = (json as { model_type: unknown }).model_type
    if (type !== 'gpt2') {
      throw new HfConfigError(
        file,
        'model_type',
        `is ${JSON.stringify(type)}, but LoRA Studio runs GPT-2-family models only (model_type "gpt2": distilgpt2, gpt2, gpt2-medium/large/xl and fine-tunes of them)`
      )
    }
  }
  const parsed = rawGpt2Config.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const field = issue.path.map(String).join('.')
    throw new HfConfigError(
      file,
      field,
      `${issue.message}; fix config.json or take it from the model's original folder`
    )
  }
  const raw = parsed.data
  const nPositions = raw.n_positions ?? raw.n_ctx ?? 1024
  if (raw.n_embd % raw.n_head !== 0) {
    throw new HfConfigError(file, 'n_head', `n_embd ${raw.n_embd} is not divisible by n_head ${raw.n_head}`)
  }
  const eos = raw.eos_token_id ?? raw.vocab_size - 1
  for (const [field, id] of [
    ['bos_token_id', raw.bos_token_id ?? eos],
    ['eos_token_id', eos]
  ] as const) {
    if (id >= raw.vocab_size) {
      throw new HfConfigError(
        file,
        field,
        `token id ${id} is outside the vocabulary (vocab_size ${raw.vocab_size})`
      )
    }
  }
  return {
    modelType: 'gpt2',
    vocabSize: raw.vocab_size,
    nPositions,
    nEmbd: raw.n_embd,
    nLayer: raw.n_layer,
    nHead: raw.n_head,
    nInner: raw.n_inner ?? 4 * raw.n_embd,
    layerNormEpsilon: raw.layer_norm_epsilon,
    activationFunction: raw.activation_function,
    tieWordEmbeddings: raw.tie_word_embeddings,
    bosTokenId: raw.bos_token_id ?? eos,
    eosTokenId: eos,
    residPdrop: raw.resid_pdrop,
    embdPdrop: raw.embd_pdrop,
    attnPdrop: raw.attn_pdrop,
    initializerRange: raw.initializer_range
  }
}

/** config.json contents that `GPT2LMHeadModel.from_pretrained` loads (keys sorted, as transformers writes them). */
export function toHfConfigJson(config: Gpt2Config): Record<string, unknown> {
  return {
    activation_function: config.activationFunction,
    architectures: ['GPT2LMHeadModel'],
    attn_pdrop: config.attnPdrop,
    bos_token_id: config.bosTokenId,
    embd_pdrop: config.embdPdrop,
    eos_token_id: config.eosTokenId,
    initializer_range: config.initializerRange,
    layer_norm_epsilon: config.layerNormEpsilon,
    model_type: 'gpt2',
    n_ctx: config.nPositions,
    n_embd: config.nEmbd,
    n_head: config.nHead,
    n_inner: config.nInner === 4 * config.nEmbd ? null : config.nInner,
    n_layer: config.nLayer,
    n_positions: config.nPositions,
    reorder_and_upcast_attn: false,
    resid_pdrop: config.residPdrop,
    scale_attn_by_inverse_layer_idx: false,
    scale_attn_weights: true,
    summary_activation: null,
    summary_first_dropout: 0.1,
    summary_proj_to_labels: true,
    summary_type: 'cls_index',
    summary_use_proj: true,
    tie_word_embeddings: config.tieWordEmbeddings,
    torch_dtype: 'float32',
    use_cache: true,
    vocab_size: config.vocabSize
  }
}
