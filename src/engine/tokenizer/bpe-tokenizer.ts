// A byte-level BPE tokenizer (GPT-2, Llama 3, SmolLM2, Qwen2/2.5/3) built from a model folder's files,
// giving exactly the ids of Hugging Face tokenizers: encode for training and prompts, decode and
// decodeBytes (for streaming half-finished characters).
import type { DecodeOptions, EncodeOptions, Tokenizer } from '../../shared/tokenizer'
import { bpeMerge } from './bpe-merge'
import { BYTE_TO_CHAR, tokenToBytes } from './byte-level'
import { makeAddedTokenSplitter, runSteps, type PreTokenizeStep, type Segment } from './pre-tokenize'
import { readTokenizerFiles, type TokenizerSpec } from './tokenizer-files'

/** Distinct words remembered between calls; cleared when full. */
const CACHE_LIMIT = 100_000

export class BpeTokenizer implements Tokenizer {
  readonly eosTokenId: number
  readonly bosTokenId: number | null
  readonly vocabSize: number
  readonly prefixIds: readonly number[]
  readonly suffixIds: readonly number[]
  private readonly vocab: Map<string, number>
  private readonly ranks: Map<string, number>
  private readonly idToTokenTable: string[]
  private readonly tokenIds = new Map<string, number>()
  private readonly specialIds = new Set<number>()
  private readonly addedIds = new Set<number>()
  private readonly splitRaw: (text: string) => Segment[]
  private readonly splitNormalized: (text: string) => Segment[]
  /** NFC, or null when the file has no normalizer. */
  private readonly normalize: ((text: string) => string) | null
  private readonly steps: readonly PreTokenizeStep[]
  private readonly ignoreMerges: boolean
  private readonly cache = new Map<string, number[]>()
  private idBytes: Uint8Array[] | null = null
  private readonly encoder = new TextEncoder()

  constructor(spec: TokenizerSpec) {
    this.vocab = spec.vocab
    this.ranks = new Map(spec.merges.map((m, i) => [m, i]))
    this.steps = spec.preTokenizer
    this.ignoreMerges = spec.ignoreMerges
    this.normalize = spec.normalizer === 'NFC' ? (t) => t.normalize('NFC') : null
    for (const [token, id] of spec.vocab) this.tokenIds.set(token, id)
    for (const t of spec.addedTokens) {
      this.tokenIds.set(t.content, t.id)
      this.addedIds.add(t.id)
      if (t.special) this.specialIds.add(t.id)
    }
    const hasNormalizer = spec.normalizer !== null
    this.splitRaw = makeAddedTokenSplitter(spec.addedTokens.filter((t) => !(t.normalized && hasNormalizer)))
    this.splitNormalized = makeAddedTokenSplitter(
      spec.addedTokens
        .filter((t) => t.normalized && hasNormalizer)
        .map((t) => ({ ...t, content: t.content.normalize('NFC') }))
    )
    let maxId = -1
    for (const id of this.tokenIds.values()) maxId = Math.max(maxId, id)
    this.vocabSize = maxId + 1
    this.idToTokenTable = new Array<string>(this.vocabSize).fill('')
    for (const [token, id] of this.tokenIds) this.idToTokenTable[id] = token
    const idOf = (token: string, what: string): number => {
      const id = this.tokenIds.get(token)
      if (id === undefined) throw new Error(`${what} token ${JSON.stringify(token)} has no id`)
      return id
    }
    this.eosTokenId = idOf(spec.eosToken, 'end-of-text')
    this.bosTokenId = spec.bosToken === null ? null : idOf(spec.bosToken, 'beginning-of-text')
    this.prefixIds = spec.prefixTokens.map((t) => idOf(t, 'post-processor'))
    this.suffixIds = spec.suffixTokens.map((t) => idOf(t, 'post-processor'))
    for (const ch of BYTE_TO_CHAR) {
      if (!spec.vocab.has(ch)) {
        throw new Error(
          `the vocabulary lacks the byte token ${JSON.stringify(ch)}; this is not a byte-level BPE vocabulary`
        )
      }
    }
  }

  /** Reads `tokenizer.json`, or `vocab.json` + `merges.txt`, and `tokenizer_config.json` from a model folder. */
  static async fromFolder(dir: string): Promise<BpeTokenizer> {
    return new BpeTokenizer(await readTokenizerFiles(dir))
  }

  encode(text: string, options: EncodeOptions = {}): number[] {
    const ids: number[] = options.addSpecialTokens ? [...this.prefixIds] : []
    for (const raw of this.splitRaw(text)) {
      if (raw.added) ids.push(raw.id)
      else if (this.normalize === null) this.encodeText(raw.text, ids)
      else {
        for (const segment of this.splitNormalized(this.normalize(raw.text))) {
          if (segment.added) ids.push(segment.id)
          else this.encodeText(segment.text, ids)
        }
      }
    }
    if (options.addSpecialTokens) ids.push(...this.suffixIds)
    return ids
  }

  /** Pre-tokenizes and merges ordinary (normalized) text, appending its ids to `ids`. */
  private encodeText(text: string, ids: number[]): void {
    for (const word of runSteps(this.steps, text)) {
      for (const id of this.encodeWord(word)) ids.push(id)
    }
  }

  private encodeWord(word: string): number[] {
    const cached = this.cache.get(word)
    if (cached) return cached
    const bytes = this.encoder.encode(word)
    const symbols = new Array<string>(bytes.length)
    for (let i = 0; i < bytes.length; i++) symbols[i] = BYTE_TO_CHAR[bytes[i]]
    const whole = this.ignoreMerges ? this.vocab.get(symbols.join('')) : undefined
    const tokens = whole !== undefined ? null : bpeMerge(symbols, this.ranks)
    const ids =
      tokens === null
        ? [whole as number]
        : tokens.map((token) => {
            const id = this.vocab.get(token)
            if (id === undefined)
              throw new Error(`BPE produced ${JSON.stringify(token)}, which is not in the vocabulary`)
            return id
          })
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear()
    this.cache.set(word, ids)
    return ids
  }

  /** Raw bytes of the ids; added tokens as their UTF-8 text. */
  decodeBytes(ids: readonly number[], options: DecodeOptions = {}): Uint8Array {
    const table = this.byteTable()
    const kept = options.skipSpecialTokens ? ids.filter((id) => !this.isSpecialId(id)) : ids
    let length = 0
    for (const id of kept) length += this.bytesOf(table, id).length
    const out = new Uint8Array(length)
    let at = 0
    for (const id of kept) {
      const bytes = this.bytesOf(table, id)
      out.set(bytes, at)
      at += bytes.length
    }
    return out
  }

  decode(ids: readonly number[], options: DecodeOptions = {}): string {
    return new TextDecoder('utf-8').decode(this.decodeBytes(ids, options))
  }

  idToToken(id: number): string {
    this.checkId(id)
    return this.idToTokenTable[id]
  }

  tokenToId(token: string): number | undefined {
    return this.tokenIds.get(token)
  }

  isSpecialId(id: number): boolean {
    return this.specialIds.has(id)
  }

  private checkId(id: number): void {
    if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize || this.idToTokenTable[id] === '') {
      throw new RangeError(`token id ${id} is not in the vocabulary (0..${this.vocabSize - 1})`)
    }
  }

  private bytesOf(table: Uint8Array[], id: number): Uint8Array {
    this.checkId(id)
    return table[id]
  }

  private byteTable(): Uint8Array[] {
    if (!this.idBytes) {
      const utf8 = new TextEncoder()
      this.idBytes = this.idToTokenTable.map((token, id) => {
        if (this.addedIds.has(id)) return utf8.encode(token)
        return tokenToBytes(token) ?? utf8.encode(token)
      })
    }
    return this.idBytes
  }
}
