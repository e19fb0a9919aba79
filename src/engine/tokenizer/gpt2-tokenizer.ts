// GPT-2's byte-level BPE tokenizer, giving exactly the ids of Hugging Face's GPT2TokenizerFast:
// encode for training and prompts, decode and decodeBytes (for streaming half-finished characters).
import { bpeMerge } from './bpe-merge'
import { BYTE_TO_CHAR, tokenToBytes } from './byte-level'
import { makeSpecialSplitter, splitGpt2Words } from './pre-tokenize'
import type { Segment } from './pre-tokenize'
import { readTokenizerFiles } from './tokenizer-files'
import type { TokenizerSpec } from './tokenizer-files'

/** Distinct words remembered between calls; cleared when full. */
const CACHE_LIMIT = 100_000

export class Gpt2Tokenizer {
  readonly eosTokenId: number
  /** Number of ids (`len(tokenizer)` in transformers): highest id + 1. */
  readonly vocabSize: number
  private readonly vocab: Map<string, number>
  private readonly ranks: Map<string, number>
  private readonly idToTokenTable: string[]
  private readonly specialIds: Map<string, number>
  private readonly splitSpecial: (text: string) => Segment[]
  private readonly addPrefixSpace: boolean
  private readonly cache = new Map<string, number[]>()
  private idBytes: Uint8Array[] | null = null
  private readonly encoder = new TextEncoder()

  constructor(spec: TokenizerSpec) {
    this.vocab = spec.vocab
    this.ranks = new Map(spec.merges.map((m, i) => [m, i]))
    this.specialIds = spec.specialTokens
    this.addPrefixSpace = spec.addPrefixSpace
    this.splitSpecial = makeSpecialSplitter([...spec.specialTokens.keys()])
    let maxId = -1
    for (const id of spec.vocab.values()) maxId = Math.max(maxId, id)
    for (const id of spec.specialTokens.values()) maxId = Math.max(maxId, id)
    this.vocabSize = maxId + 1
    this.idToTokenTable = new Array<string>(this.vocabSize).fill('')
    for (const [token, id] of spec.vocab) this.idToTokenTable[id] = token
    for (const [token, id] of spec.specialTokens) this.idToTokenTable[id] = token
    const eos = spec.specialTokens.get(spec.eosToken) ?? spec.vocab.get(spec.eosToken)
    if (eos === undefined) throw new Error(`end-of-text token ${JSON.stringify(spec.eosToken)} has no id`)
    this.eosTokenId = eos
    for (const ch of BYTE_TO_CHAR) {
      if (!spec.vocab.has(ch)) {
        throw new Error(
          `the vocabulary lacks the byte token ${JSON.stringify(ch)}; this is not a byte-level GPT-2 vocabulary`
        )
      }
    }
  }

  /** Reads `tokenizer.json`, or `vocab.json` + `merges.txt`, from a model folder. */
  static async fromFolder(dir: string): Promise<Gpt2Tokenizer> {
    return new Gpt2Tokenizer(await readTokenizerFiles(dir))
  }

  encode(text: string): number[] {
    const ids: number[] = []
    for (const segment of this.splitSpecial(text)) {
      if (segment.special) {
        ids.push(this.specialIds.get(segment.token) as number)
        continue
      }
      const body =
        this.addPrefixSpace && !/^\p{White_Space}/u.test(segment.text) ? ` ${segment.text}` : segment.text
      for (const word of splitGpt2Words(body)) {
        for (const id of this.encodeWord(word)) ids.push(id)
      }
    }
    return ids
  }

  private encodeWord(word: string): number[] {
    const cached = this.cache.get(word)
    if (cached) return cached
    const bytes = this.encoder.encode(word)
    const symbols = new Array<string>(bytes.length)
    for (let i = 0; i < bytes.length; i++) symbols[i] = BYTE_TO_CHAR[bytes[i]]
    const ids = bpeMerge(symbols, this.ranks).map((token) => {
      const id = this.vocab.get(token)
      if (id === undefined)
        throw new Error(`BPE produced ${JSON.stringify(token)}, which is not in the vocabulary`)
      return id
    })
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear()
    this.cache.set(word, ids)
    return ids
  }

  /** Raw bytes of the ids; special tokens as their UTF-8 text. */
  decodeBytes(ids: readonly number[]): Uint8Array {
    const table = this.byteTable()
    let length = 0
    for (const id of ids) length += this.bytesOf(table, id).length
    const out = new Uint8Array(length)
    let at = 0
    for (const id of ids) {
      const bytes = this.bytesOf(table, id)
      out.set(bytes, at)
      at += bytes.length
    }
    return out
  }

  /** Text of the ids; invalid UTF-8 (a cut multi-byte character) becomes U+FFFD, as with errors="replace". */
  decode(ids: readonly number[]): string {
    return new TextDecoder('utf-8').decode(this.decodeBytes(ids))
  }

  idToToken(id: number): string {
    this.checkId(id)
    return this.idToTokenTable[id]
  }

  tokenToId(token: string): number | undefined {
    return this.specialIds.get(token) ?? this.vocab.get(token)
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
      this.idBytes = this.idToTokenTable.map((token) => {
        if (this.specialIds.has(token)) return utf8.encode(token)
        return tokenToBytes(token) ?? utf8.encode(token)
      })
    }
    return this.idBytes
  }
}
