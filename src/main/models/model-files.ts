// Which files of a Hugging Face GPT-2 repository or folder LoRA Studio keeps: the config, the
// safetensors weights (single or sharded), the tokenizer and generation settings. Nothing else is copied.
import { TOKENIZER_FILES } from '../../engine/tokenizer/tokenizer-files'

/** Files taken when present; config.json and the weights are required (see requiredFiles). */
export const knownModelFiles: readonly string[] = [
  'config.json',
  'model.safetensors',
  'model.safetensors.index.json',
  ...TOKENIZER_FILES
]

const shardPattern = /^model-\d+-of-\d+\.safetensors$/

/** Whether a file name (no folders) is one LoRA Studio keeps. */
export function isModelFile(name: string): boolean {
  return knownModelFiles.includes(name) || shardPattern.test(name)
}

/** The weights: model.safetensors or one of its shards. */
export function isWeightsFile(name: string): boolean {
  return name === 'model.safetensors' || shardPattern.test(name)
}

export const convertBinHint = [
  'The repository has only pytorch_model.bin (a Python pickle) and no model.safetensors; LoRA Studio reads safetensors only.',
  'Convert it once with Python, then import the folder:',
  '  from transformers import GPT2LMHeadModel',
  "  GPT2LMHeadModel.from_pretrained('REPO').save_pretrained('OUT_DIR', safe_serialization=True)",
  "and copy the tokenizer files too (AutoTokenizer.from_pretrained('REPO').save_pretrained('OUT_DIR'))."
].join('\n')
