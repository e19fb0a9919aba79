// The bench's named cases: which decoder (GPT-2, or a Llama/Qwen2 family with a real model's shapes), LoRA
// setting and workload each one times, so the parent CLI and the per-case child process agree on exactly
// what "train-gpt2-small-seq256" means.
import type { DecoderConfig } from '../src/engine/formats/decoder-folder'
import { parseGpt2Config } from '../src/engine/formats/hf-config'
import { parseLlamaConfig } from '../src/engine/formats/llama-config'
import type { LoraConfig } from '../src/engine/model/lora'
import { familyPreset } from '../src/shared/model-family'

/** A GPT-2 architecture by its config.json sizes. */
interface Gpt2Architecture {
  nLayer: number
  nEmbd: number
  nHead: number
  vocabSize: number
  nPositions: number
}

interface CaseBase {
  name: string
  description: string
  /** The model's config as the engine parses it from config.json. */
  config: DecoderConfig
  lora: LoraConfig
}

export interface TrainCase extends CaseBase {
  kind: 'train'
  batch: number
  seqLen: number
  /** Recompute every block in the backward pass even without --recompute-blocks: without it the case does not fit wasm's 4 GB heap. */
  recomputeBlocks?: boolean
  /** Instruction SFT: labels -100 on the first `maskedPrefix` positions of every row (the prompt). */
  maskedPrefix?: number
}

export interface GenerateCase extends CaseBase {
  kind: 'generate'
  promptTokens: number
  newTokens: number
}

export type BenchCase = TrainCase | GenerateCase

function gpt2Config(arch: Gpt2Architecture): DecoderConfig {
  return parseGpt2Config(
    {
      model_type: 'gpt2',
      vocab_size: arch.vocabSize,
      n_positions: arch.nPositions,
      n_embd: arch.nEmbd,
      n_layer: arch.nLayer,
      n_head: arch.nHead,
      bos_token_id: arch.vocabSize - 1,
      eos_token_id: arch.vocabSize - 1
    },
    'bench case'
  )
}

const GPT2_SMALL_ARCH: Gpt2Architecture = {
  nLayer: 12,
  nEmbd: 768,
  nHead: 12,
  vocabSize: 50257,
  nPositions: 1024
}
const GPT2_SMALL = gpt2Config(GPT2_SMALL_ARCH)
const DISTILGPT2 = gpt2Config({ ...GPT2_SMALL_ARCH, nLayer: 6 })
const TINY = gpt2Config({ nLayer: 2, nEmbd: 64, nHead: 2, vocabSize: 5000, nPositions: 128 })

/** Qwen/Qwen2.5-0.5B's config.json (the fields the engine reads; test/fixtures/model-configs has the file): 494,032,768 parameters in transformers. */
export const QWEN25_05B = parseLlamaConfig(
  {
    model_type: 'qwen2',
    vocab_size: 151936,
    hidden_size: 896,
    intermediate_size: 4864,
    num_hidden_layers: 24,
    num_attention_heads: 14,
    num_key_value_heads: 2,
    max_position_embeddings: 32768,
    rms_norm_eps: 1e-6,
    rope_theta: 1000000,
    tie_word_embeddings: true,
    use_sliding_window: false,
    hidden_act: 'silu',
    bos_token_id: 151643,
    eos_token_id: 151643
  },
  'bench case qwen2.5-0.5b'
)

/** HuggingFaceTB/SmolLM2-135M's config.json: 134,515,008 parameters in transformers. */
export const SMOLLM2_135M = parseLlamaConfig(
  {
    model_type: 'llama',
    vocab_size: 49152,
    hidden_size: 576,
    intermediate_size: 1536,
    num_hidden_layers: 30,
    num_attention_heads: 9,
    num_key_value_heads: 3,
    max_position_embeddings: 8192,
    rms_norm_eps: 1e-5,
    rope_theta: 100000,
    initializer_range: 0.041666666666666664,
    tie_word_embeddings: true,
    attention_bias: false,
    mlp_bias: false,
    hidden_act: 'silu',
    bos_token_id: 0,
    eos_token_id: 0
  },
  'bench case smollm2-135m'
)

/** The user's recipe: r 16, alpha 32, dropout 0.1 on attention's c_attn and c_proj. */
const RECIPE_LORA: LoraConfig = {
  r: 16,
  alpha: 32,
  dropout: 0.1,
  targetModules: ['attn.c_attn', 'attn.c_proj'],
  useRslora: false,
  bias: 'none'
}

/** The Train form's preset for the Llama/Qwen families (q/k/v/o, r 16, alpha 32), with the recipe's dropout. */
const FAMILY_LORA: LoraConfig = (() => {
  const preset = familyPreset('llama')
  return { ...RECIPE_LORA, r: preset.rank, alpha: preset.alpha, targetModules: preset.targetModules }
})()

export const BENCH_CASES: readonly BenchCase[] = [
  {
    kind: 'train',
    name: 'train-gpt2-small-seq256',
    description: 'GPT-2-small, LoRA r16 attn.c_attn+attn.c_proj, batch 2 × seq 256',
    config: GPT2_SMALL,
    lora: RECIPE_LORA,
    batch: 2,
    seqLen: 256
  },
  {
    kind: 'train',
    name: 'train-gpt2-small-sft256',
    description:
      'GPT-2-small, LoRA r16, batch 2 × seq 256, labels -100 on the first 128 of each row (SFT prompt)',
    config: GPT2_SMALL,
    lora: RECIPE_LORA,
    batch: 2,
    seqLen: 256,
    maskedPrefix: 128
  },
  {
    kind: 'train',
    name: 'train-gpt2-small-seq1024',
    description: 'GPT-2-small, LoRA r16, batch 1 × seq 1024 (blocks recomputed: wasm heap)',
    config: GPT2_SMALL,
    lora: RECIPE_LORA,
    batch: 1,
    seqLen: 1024,
    recomputeBlocks: true
  },
  {
    kind: 'train',
    name: 'train-gpt2-small-seq1024-b8',
    description: 'GPT-2-small, LoRA r16, batch 8 × seq 1024 (the memory case for gradient checkpointing)',
    config: GPT2_SMALL,
    lora: RECIPE_LORA,
    batch: 8,
    seqLen: 1024,
    recomputeBlocks: true
  },
  {
    kind: 'generate',
    name: 'generate-gpt2-small',
    description: 'GPT-2-small greedy decoding, prompt 32, 256 new tokens, KV cache',
    config: GPT2_SMALL,
    lora: RECIPE_LORA,
    promptTokens: 32,
    newTokens: 256
  },
  {
    kind: 'generate',
    name: 'generate-gpt2-small-ctx1024',
    description: 'GPT-2-small greedy decoding, prompt 32, 992 new tokens (up to n_positions), KV cache',
    config: GPT2_SMALL,
    lora: RECIPE_LORA,
    promptTokens: 32,
    newTokens: 992
  },
  {
    kind: 'train',
    name: 'train-distilgpt2-seq256',
    description: 'distilgpt2 size (6 layers), LoRA r16, batch 2 × seq 256',
    config: DISTILGPT2,
    lora: RECIPE_LORA,
    batch: 2,
    seqLen: 256
  },
  {
    kind: 'train',
    name: 'train-qwen2.5-0.5b-seq256',
    description:
      'Qwen2.5-0.5B shape (qwen2, 24 layers × 896, GQA 14/2, vocab 151936, tied), LoRA r16 α32 q/k/v/o_proj, ' +
      "batch 2 × seq 256 (GPU backends only: past wasm's 4 GiB heap even with blocks recomputed)",
    config: QWEN25_05B,
    lora: FAMILY_LORA,
    batch: 2,
    seqLen: 256
  },
  {
    kind: 'train',
    name: 'train-smollm2-135m-seq256',
    description:
      'SmolLM2-135M shape (llama, 30 layers × 576, GQA 9/3, vocab 49152, tied), LoRA r16 α32 q/k/v/o_proj, ' +
      'batch 2 × seq 256 (blocks recomputed: wasm heap)',
    config: SMOLLM2_135M,
    lora: FAMILY_LORA,
    batch: 2,
    seqLen: 256,
    recomputeBlocks: true
  },
  {
    kind: 'train',
    name: 'train-tiny',
    description: 'sanity: 2 layers × 64, vocab 5000, LoRA r16, batch 2 × seq 64',
    config: TINY,
    lora: RECIPE_LORA,
    batch: 2,
    seqLen: 64
  },
  {
    kind: 'generate',
    name: 'generate-tiny',
    description: 'sanity: 2 layers × 64, vocab 5000, greedy, prompt 16, 32 new tokens',
    config: TINY,
    lora: RECIPE_LORA,
    promptTokens: 16,
    newTokens: 32
  }
]

/** The dataset-import case: no model, run only when named (its own child process, see import-case.ts). */
export const IMPORT_CASE = 'import-jsonl-500mb'
export const DEFAULT_IMPORT_MB = 500

/** The quick sanity cases (`--quick`): tiny models, seconds each. */
export const QUICK_CASES = ['train-tiny', 'generate-tiny']
/** Cases run only when named: tiny sanity cases and long ones. */
const ON_REQUEST = [
  ...QUICK_CASES,
  'generate-gpt2-small-ctx1024',
  'train-gpt2-small-seq1024-b8',
  // Minutes a step on a CPU backend: the Llama/Qwen shapes are for a GPU run, or named.
  'train-qwen2.5-0.5b-seq256',
  'train-smollm2-135m-seq256'
]
/** What runs with no --case: the GPT-2-sized cases of the issue. */
export const DEFAULT_CASES = BENCH_CASES.filter((c) => !ON_REQUEST.includes(c.name)).map((c) => c.name)

export function findCase(name: string): BenchCase {
  const found = BENCH_CASES.find((c) => c.name === name)
  if (found === undefined) {
    throw new Error(
      `unknown bench case "${name}"; choose one of ${BENCH_CASES.map((c) => c.name).join(', ')}`
    )
  }
  return found
}

/** Timed repetitions after the warm-up when --steps does not say: optimizer steps, or generate calls. */
export function defaultRepeats(c: BenchCase): number {
  return c.kind === 'train' ? 3 : 1
}
