// The bench's named cases: which GPT-2 architecture, LoRA setting and workload each one times, so the
// parent CLI and the per-case child process agree on exactly what "train-gpt2-small-seq256" means.
import type { Gpt2Config } from '../src/engine/formats/hf-config'
import { parseGpt2Config } from '../src/engine/formats/hf-config'
import type { LoraConfig } from '../src/engine/model/lora'

export interface Architecture {
  nLayer: number
  nEmbd: number
  nHead: number
  vocabSize: number
  nPositions: number
}

interface CaseBase {
  name: string
  description: string
  arch: Architecture
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

const GPT2_SMALL: Architecture = { nLayer: 12, nEmbd: 768, nHead: 12, vocabSize: 50257, nPositions: 1024 }
const DISTILGPT2: Architecture = { ...GPT2_SMALL, nLayer: 6 }
const TINY: Architecture = { nLayer: 2, nEmbd: 64, nHead: 2, vocabSize: 5000, nPositions: 128 }

/** The user's recipe: r 16, alpha 32, dropout 0.1 on attention's c_attn and c_proj. */
const RECIPE_LORA: LoraConfig = {
  r: 16,
  alpha: 32,
  dropout: 0.1,
  targetModules: ['attn.c_attn', 'attn.c_proj'],
  useRslora: false,
  bias: 'none'
}

export const BENCH_CASES: readonly BenchCase[] = [
  {
    kind: 'train',
    name: 'train-gpt2-small-seq256',
    description: 'GPT-2-small, LoRA r16 attn.c_attn+attn.c_proj, batch 2 × seq 256',
    arch: GPT2_SMALL,
    lora: RECIPE_LORA,
    batch: 2,
    seqLen: 256
  },
  {
    kind: 'train',
    name: 'train-gpt2-small-sft256',
    description:
      'GPT-2-small, LoRA r16, batch 2 × seq 256, labels -100 on the first 128 of each row (SFT prompt)',
    arch: GPT2_SMALL,
    lora: RECIPE_LORA,
    batch: 2,
    seqLen: 256,
    maskedPrefix: 128
  },
  {
    kind: 'train',
    name: 'train-gpt2-small-seq1024',
    description: 'GPT-2-small, LoRA r16, batch 1 × seq 1024 (blocks recomputed: wasm heap)',
    arch: GPT2_SMALL,
    lora: RECIPE_LORA,
    batch: 1,
    seqLen: 1024,
    recomputeBlocks: true
  },
  {
    kind: 'train',
    name: 'train-gpt2-small-seq1024-b8',
    description: 'GPT-2-small, LoRA r16, batch 8 × seq 1024 (the memory case for gradient checkpointing)',
    arch: GPT2_SMALL,
    lora: RECIPE_LORA,
    batch: 8,
    seqLen: 1024,
    recomputeBlocks: true
  },
  {
    kind: 'generate',
    name: 'generate-gpt2-small',
    description: 'GPT-2-small greedy decoding, prompt 32, 256 new tokens, KV cache',
    arch: GPT2_SMALL,
    lora: RECIPE_LORA,
    promptTokens: 32,
    newTokens: 256
  },
  {
    kind: 'generate',
    name: 'generate-gpt2-small-ctx1024',
    description: 'GPT-2-small greedy decoding, prompt 32, 992 new tokens (up to n_positions), KV cache',
    arch: GPT2_SMALL,
    lora: RECIPE_LORA,
    promptTokens: 32,
    newTokens: 992
  },
  {
    kind: 'train',
    name: 'train-distilgpt2-seq256',
    description: 'distilgpt2 size (6 layers), LoRA r16, batch 2 × seq 256',
    arch: DISTILGPT2,
    lora: RECIPE_LORA,
    batch: 2,
    seqLen: 256
  },
  {
    kind: 'train',
    name: 'train-tiny',
    description: 'sanity: 2 layers × 64, vocab 5000, LoRA r16, batch 2 × seq 64',
    arch: TINY,
    lora: RECIPE_LORA,
    batch: 2,
    seqLen: 64
  },
  {
    kind: 'generate',
    name: 'generate-tiny',
    description: 'sanity: 2 layers × 64, vocab 5000, greedy, prompt 16, 32 new tokens',
    arch: TINY,
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
const ON_REQUEST = [...QUICK_CASES, 'generate-gpt2-small-ctx1024', 'train-gpt2-small-seq1024-b8']
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

export function caseConfig(arch: Architecture): Gpt2Config {
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
