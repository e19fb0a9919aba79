// Reads Hugging Face's `tokenizer.json` for a byte-level BPE (GPT-2, Llama 3, SmolLM2, Qwen2/2.5/3):
// the vocabulary and merges (either "a b" or ["a", "b"]), added tokens, the NFC normalizer, the
// pre-tokenizer steps (Split regex, Digits, ByteLevel) and what the post-processor adds around a
// sequence. Any other component is refused by name, so no model is tokenized differently in silence.
import { byteLevelStep, splitStep, type PreTokenizeStep } from './pre-tokenize'
import { splitRegex, SplitPatternError } from './split-pattern'

export interface AddedToken {
  content: string
  id: number
  special: boolean
  lstrip: boolean
  rstrip: boolean
  /** Matched after normalization rather than on the raw text. */
  normalized: boolean
}

export interface TokenizerJson {
  vocab: Map<string, number>
  /** Merge pairs as `"left right"`, in rank order. */
  merges: string[]
  addedTokens: AddedToken[]
  normalizer: 'NFC' | null
  preTokenizer: PreTokenizeStep[]
  /** A word that is whole in the vocabulary is not merged (Llama 3's `ignore_merges`). */
  ignoreMerges: boolean
  /** Token contents the post-processor puts before and after one sequence. */
  prefixTokens: string[]
  suffixTokens: string[]
}

/** A tokenizer file that cannot be used; names the file and says what to do. */
export class TokenizerFileError extends Error {
  constructor(file: string, message: string) {
    super(`${file}: ${message}`)
    this.name = 'TokenizerFileError'
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function toVocab(file: string, raw: unknown): Map<string, number> {
  if (!isRecord(raw)) throw new TokenizerFileError(file, 'the vocabulary is not an object of token -> id')
  const vocab = new Map<string, number>()
  for (const [token, id] of Object.entries(raw)) {
    if (!Number.isInteger(id) || (id as number) < 0) {
      throw new TokenizerFileError(
        file,
        `vocabulary entry ${JSON.stringify(token)} has id ${JSON.stringify(id)}`
      )
    }
    vocab.set(token, id as number)
  }
  return vocab
}

function toMerges(file: string, raw: unknown): string[] {
  if (!Array.isArray(raw)) throw new TokenizerFileError(file, 'model.merges is not a list')
  return raw.map((m, i) => {
    if (typeof m === 'string' && m.split(' ').length === 2) return m
    if (Array.isArray(m) && m.length === 2 && m.every((p) => typeof p === 'string')) return `${m[0]} ${m[1]}`
    throw new TokenizerFileError(
      file,
      `merge ${i} is ${JSON.stringify(m)}, expected "left right" or ["left", "right"]`
    )
  })
}

function toAddedTokens(file: string, raw: unknown): AddedToken[] {
  if (raw === undefined || raw === null) return []
  if (!Array.isArray(raw)) throw new TokenizerFileError(file, 'added_tokens is not a list')
  return raw.map((t, i) => {
    if (!isRecord(t) || typeof t.content !== 'string' || !Number.isInteger(t.id) || t.content === '') {
      throw new TokenizerFileError(file, `added_tokens[${i}] needs a non-empty "content" and an integer "id"`)
    }
    const special = t.special === true
    return {
      content: t.content,
      id: t.id as number,
      special,
      lstrip: t.lstrip === true,
      rstrip: t.rstrip === true,
      normalized: typeof t.normalized === 'boolean' ? t.normalized : !special
    }
  })
}

function toNormalizer(file: string, raw: unknown): 'NFC' | null {
  if (raw === null || raw === undefined) return null
  if (isRecord(raw) && raw.type === 'NFC') return 'NFC'
  if (isRecord(raw) && raw.type === 'Sequence' && Array.isArray(raw.normalizers)) {
    const kinds = raw.normalizers.map((n) => toNormalizer(file, n))
    return kinds.includes('NFC') ? 'NFC' : null
  }
  const type = isRecord(raw) ? JSON.stringify(raw.type) : JSON.stringify(raw)
  throw new TokenizerFileError(
    file,
    `normalizer ${type} is not supported (only NFC); this model's tokenizer cannot be used`
  )
}

function flattenSteps(raw: unknown): Record<string, unknown>[] {
  if (!isRecord(raw)) return []
  if (raw.type === 'Sequence' && Array.isArray(raw.pretokenizers))
    return raw.pretokenizers.flatMap(flattenSteps)
  return [raw]
}

function toPreTokenizer(file: string, raw: unknown): PreTokenizeStep[] {
  const steps = flattenSteps(raw)
  const last = steps.at(-1)
  if (!last || last.type !== 'ByteLevel') {
    throw new TokenizerFileError(
      file,
      'pre_tokenizer does not end with ByteLevel; only byte-level BPE tokenizers are supported'
    )
  }
  return steps.map((step, i) => {
    if (step.type === 'ByteLevel') {
      if (i !== steps.length - 1)
        throw new TokenizerFileError(file, 'pre_tokenizer has ByteLevel before other steps')
      return byteLevelStep(step.add_prefix_space === true, step.use_regex !== false)
    }
    if (step.type === 'Digits') return splitStep(step.individual_digits === true ? /[0-9]/g : /[0-9]+/g, true)
    if (step.type === 'Split') {
      const behavior = String(step.behavior)
      if (step.invert === true || !['Isolated', 'Removed'].includes(behavior)) {
        throw new TokenizerFileError(
          file,
          `pre_tokenizer Split with behavior ${behavior}${step.invert === true ? ' inverted' : ''} is not supported`
        )
      }
      try {
        return splitStep(splitRegex(isRecord(step.pattern) ? step.pattern : {}), behavior === 'Isolated')
      } catch (err) {
        if (err instanceof SplitPatternError)
          throw new TokenizerFileError(file, `pre_tokenizer Split: ${err.message}`)
        throw err
      }
    }
    throw new TokenizerFileError(file, `pre_tokenizer ${JSON.stringify(step.type)} is not supported`)
  })
}

function templateItems(file: string, single: unknown): { prefix: string[]; suffix: string[] } {
  if (!Array.isArray(single))
    throw new TokenizerFileError(file, 'post_processor TemplateProcessing has no "single" list')
  const prefix: string[] = []
  const suffix: string[] = []
  let seen = false
  for (const item of single) {
    if (isRecord(item) && isRecord(item.Sequence)) seen = true
    else if (isRecord(item) && isRecord(item.SpecialToken) && typeof item.SpecialToken.id === 'string') {
      ;(seen ? suffix : prefix).push(item.SpecialToken.id)
    } else throw new TokenizerFileError(file, `post_processor item ${JSON.stringify(item)} is not understood`)
  }
  return { prefix, suffix }
}

function toPostProcessor(file: string, raw: unknown): { prefix: string[]; suffix: string[] } {
  if (raw === null || raw === undefined) return { prefix: [], suffix: [] }
  if (!isRecord(raw)) throw new TokenizerFileError(file, 'post_processor is not an object')
  if (raw.type === 'ByteLevel') return { prefix: [], suffix: [] }
  if (raw.type === 'TemplateProcessing') return templateItems(file, raw.single)
  if (raw.type === 'Sequence' && Array.isArray(raw.processors)) {
    const parts = raw.processors.map((p) => toPostProcessor(file, p))
    return { prefix: parts.flatMap((p) => p.prefix), suffix: parts.flatMap((p) => p.suffix) }
  }
  throw new TokenizerFileError(file, `post_processor ${JSON.stringify(raw.type)} is not supported`)
}

/** The byte-level BPE described by a parsed tokenizer.json (`file` names it in errors). */
export function parseTokenizerJson(file: string, json: unknown): TokenizerJson {
  if (!isRecord(json) || !isRecord(json.model)) throw new TokenizerFileError(file, 'has no "model" object')
  const model = json.model
  if (model.type !== 'BPE') {
    throw new TokenizerFileError(
      file,
      `model.type is ${JSON.stringify(model.type)}; only byte-level BPE tokenizers are supported`
    )
  }
  if (
    model.byte_fallback === true ||
    (model.continuing_subword_prefix ?? '') !== '' ||
    (model.end_of_word_suffix ?? '') !== ''
  ) {
    throw new TokenizerFileError(
      file,
      'model uses byte_fallback or subword prefixes/suffixes; only byte-level BPE tokenizers are supported'
    )
  }
  const post = toPostProcessor(file, json.post_processor)
  return {
    vocab: toVocab(file, model.vocab),
    merges: toMerges(file, model.merges),
    addedTokens: toAddedTokens(file, json.added_tokens),
    normalizer: toNormalizer(file, json.normalizer),
    preTokenizer: toPreTokenizer(file, json.pre_tokenizer),
    ignoreMerges: model.ignore_merges === true,
    prefixTokens: post.prefix,
    suffixTokens: post.suffix
  }
}
