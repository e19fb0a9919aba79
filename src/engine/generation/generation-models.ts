// The model chat talks to, kept loaded between messages: the last base model of any family (GPT-2, Llama,
// Qwen2, Qwen3, with its tokenizer) and the few adapters used with it, each keyed by folder and file
// times so an edited folder is reloaded.
// A changed base model frees the old one and its adapters; adapters swap on the model without a reload.
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { loadDecoderFolder } from '../formats/decoder-folder'
import type { DecoderConfig } from '../formats/decoder-folder'
import { hasTokenizerFiles } from '../formats/hf-model-folder'
import { createDecoderModel } from '../model/create-decoder'
import type { DecoderModel } from '../model/decoder-model'
import { DecoderCausalLm } from '../model/decoder-session'
import { LoraAdapter } from '../model/lora'
import type { Tokenizer } from '../../shared/tokenizer'
import { BpeTokenizer } from '../tokenizer/bpe-tokenizer'
import { toLoraConfig } from '../training/lora-settings'
import { readPeftAdapter } from '../training/peft-adapter'
import { Rng } from './rng'

/** Adapters kept per base model: enough for a four-way compare without reloading. */
const ADAPTERS_KEPT = 4

interface LoadedBase {
  key: string
  /** GPT-2's or a Llama family's config, which the adapters are read against. */
  config: DecoderConfig
  model: DecoderModel
  lm: DecoderCausalLm
  tokenizer: Tokenizer
}

export interface ReadyModel {
  lm: DecoderCausalLm
  tokenizer: Tokenizer
  /** Time spent loading for this call (0 when everything was cached). */
  loadMs: number
}

/** Folder + the names, sizes and modification times of its files: changes when any file is replaced. */
function folderKey(dir: string, what: string): string {
  const full = resolve(dir)
  if (!existsSync(full)) throw new Error(`${what} folder ${full} does not exist; pick another ${what}`)
  const parts = readdirSync(full, { withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => {
      const s = statSync(join(full, e.name))
      return `${e.name}:${s.size}:${s.mtimeMs}`
    })
    .sort()
  return `${full}|${parts.join('|')}`
}

export class GenerationModels {
  private base: LoadedBase | null = null
  /** Adapters for the current base, least recently used first. */
  private readonly adapters = new Map<string, LoraAdapter>()

  /** The model at `modelPath` with the adapter at `adapterPath` (or none) applied, loading what changed. */
  async use(modelPath: string, adapterPath: string | null): Promise<ReadyModel> {
    const started = performance.now()
    const base = await this.loadBase(modelPath)
    base.model.lora = adapterPath === null ? null : await this.loadAdapter(base, adapterPath)
    return { lm: base.lm, tokenizer: base.tokenizer, loadMs: performance.now() - started }
  }

  /** Frees every cached tensor. */
  dispose(): void {
    for (const adapter of this.adapters.values()) adapter.dispose()
    this.adapters.clear()
    this.base?.model.dispose()
    this.base = null
  }

  private async loadBase(modelPath: string): Promise<LoadedBase> {
    const key = folderKey(modelPath, 'model')
    if (this.base?.key === key) return this.base
    if (!hasTokenizerFiles(modelPath)) {
      throw new Error(
        `${modelPath} has no tokenizer files (tokenizer.json, or vocab.json + merges.txt), so text cannot be ` +
          'turned into tokens; copy them from the model this one was made from'
      )
    }
    this.dispose()
    const tokenizer = await BpeTokenizer.fromFolder(modelPath)
    const checkpoint = await loadDecoderFolder(modelPath)
    const { config } = checkpoint
    if (tokenizer.vocabSize > config.vocabSize) {
      throw new Error(
        `${modelPath}: the tokenizer has ${tokenizer.vocabSize} ids but the model only ${config.vocabSize}; ` +
          'the tokenizer files belong to another model'
      )
    }
    const model = createDecoderModel(config, checkpoint.weights)
    checkpoint.weights.clear()
    this.base = { key, config, model, lm: new DecoderCausalLm(model), tokenizer }
    return this.base
  }

  private async loadAdapter(base: LoadedBase, adapterPath: string): Promise<LoraAdapter> {
    const key = folderKey(adapterPath, 'adapter')
    const cached = this.adapters.get(key)
    if (cached) {
      this.adapters.delete(key)
      this.adapters.set(key, cached)
      return cached
    }
    const peft = await readPeftAdapter(adapterPath, base.config)
    const adapter = LoraAdapter.create(base.config, toLoraConfig(peft.settings), new Rng(0), peft.modules)
    this.adapters.set(key, adapter)
    while (this.adapters.size > ADAPTERS_KEPT) {
      const [oldestKey, oldest] = this.adapters.entries().next().value as [string, LoraAdapter]
      this.adapters.delete(oldestKey)
      oldest.dispose()
    }
    return adapter
  }
}
