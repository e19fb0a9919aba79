import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BpeTokenizer } from '../../../src/engine/tokenizer/bpe-tokenizer'
import { requireFixture, tokenizerDir } from './fixtures-dir'

/**
 * Ids from Hugging Face's tokenizer for the fixture's tokenizer.json (computed with the
 * @huggingface/tokenizers port, which agrees with the Rust tokenizers; the first three are the
 * well-known GPT-2 ids).
 */
const expected: Array<[string, number[]]> = [
  ['Hello world', [15496, 995]],
  [' the', [262]],
  ['<|endoftext|>', [50256]],
  ['Hello<|endoftext|>world <|endoftext|><|endoftext|> x', [15496, 50256, 6894, 220, 50256, 50256, 2124]],
  [
    "I'll say it's John's and we've, they're, I'm, you'd, don't",
    [
      40, 1183, 910, 340, 338, 1757, 338, 290, 356, 1053, 11, 484, 821, 11, 314, 1101, 11, 345, 1549, 11, 836,
      470
    ]
  ],
  ["I'LL IT'S", [40, 6, 3069, 7283, 6, 50]],
  [
    '你好，世界！GPT-2 对中文的支持很弱。',
    [
      19526, 254, 25001, 121, 171, 120, 234, 10310, 244, 45911, 234, 171, 120, 223, 38, 11571, 12, 17, 10263,
      107, 117, 40792, 23877, 229, 21410, 162, 242, 107, 162, 234, 223, 36181, 230, 28156, 109, 16764
    ]
  ],
  [
    '缓冲区溢出漏洞（CVE-2021-44228）分析',
    [
      163, 120, 241, 37863, 110, 44293, 118, 162, 118, 95, 49035, 118, 162, 120, 237, 162, 112, 252, 171, 120,
      230, 31436, 12, 1238, 2481, 12, 2598, 23815, 171, 120, 231, 26344, 228, 162, 252, 238
    ]
  ],
  [
    'def f(x):\n    return x ** 2  # square\n\n\nclass A:\n\tpass\n',
    [
      4299, 277, 7, 87, 2599, 198, 220, 220, 220, 1441, 2124, 12429, 362, 220, 1303, 6616, 628, 198, 4871,
      317, 25, 198, 197, 6603, 198
    ]
  ],
  [
    'int main(void) { char buf[64]; strcpy(buf, argv[1]); return 0; }',
    [
      600, 1388, 7, 19382, 8, 1391, 1149, 42684, 58, 2414, 11208, 965, 66, 9078, 7, 29325, 11, 1822, 85, 58,
      16, 36563, 1441, 657, 26, 1782
    ]
  ],
  [
    'emoji 😀👍🏽 family 👨\u200d👩\u200d👧 flags 🇫🇷',
    [
      368, 31370, 30325, 222, 41840, 235, 8582, 237, 121, 1641, 50169, 101, 447, 235, 41840, 102, 447, 235,
      41840, 100, 9701, 12520, 229, 104, 8582, 229, 115
    ]
  ],
  [
    'a  b   c    d\n\n\ne \t\tf   ',
    [64, 220, 275, 220, 220, 269, 220, 220, 220, 288, 628, 198, 68, 220, 197, 197, 69, 220, 220, 220]
  ],
  ['   leading and trailing   ', [220, 220, 3756, 290, 25462, 220, 220, 220]],
  ['\n\n\n', [628, 198]],
  ['', []],
  [' ', [220]],
  [
    'numbers 1234567890 3.14159 0x7fffdeadbeef 1e-5',
    [
      77, 17024, 17031, 2231, 30924, 3829, 513, 13, 1415, 19707, 657, 87, 22, 487, 16344, 1329, 1350, 891,
      352, 68, 12, 20
    ]
  ],
  [
    'Ünïcödé façade naïve café Straße ÀÉÎÕÜ',
    [
      127, 250, 77, 26884, 66, 9101, 67, 2634, 24685, 16175, 671, 41492, 40304, 15195, 39683, 68, 6184, 222,
      38351, 127, 236, 127, 243, 127, 250
    ]
  ],
  [
    'Привет, мир! Καλημέρα κόσμε こんにちは 안녕하세요 مرحبا',
    [
      140, 253, 21169, 18849, 38857, 16843, 20375, 11, 12466, 120, 18849, 21169, 0, 7377, 248, 17394, 39377,
      138, 115, 34703, 138, 255, 33643, 17394, 7377, 118, 139, 234, 38392, 34703, 30950, 23294, 241, 22174,
      28618, 2515, 94, 31676, 23821, 243, 230, 167, 227, 243, 47991, 246, 168, 226, 116, 168, 248, 242, 47048,
      26897, 148, 255, 39848, 12919
    ]
  ],
  [
    'https://example.com/path?q=1&r=2#frag <a href="x">link</a>',
    [
      5450, 1378, 20688, 13, 785, 14, 6978, 30, 80, 28, 16, 5, 81, 28, 17, 2, 8310, 363, 1279, 64, 13291,
      2625, 87, 5320, 8726, 3556, 64, 29
    ]
  ],
  [
    '$ sudo rm -rf / --no-preserve-root; echo "$HOME" | base64 -d > /tmp/x',
    [
      3, 21061, 42721, 532, 41871, 1220, 1377, 3919, 12, 18302, 3760, 12, 15763, 26, 9809, 17971, 39069, 1,
      930, 2779, 2414, 532, 67, 1875, 1220, 22065, 14, 87
    ]
  ],
  [
    'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
    [24794, 24794, 24794, 24794, 24794, 24794, 24794, 24794, 24794, 24794, 24794, 24794]
  ],
  ["'s's'll 'S 'd'", [338, 338, 1183, 705, 50, 705, 67, 6]],
  [
    'Human: Explain XSS.\n\nAssistant: Cross-site scripting (XSS) is...',
    [
      20490, 25, 48605, 1395, 5432, 13, 198, 198, 48902, 25, 6372, 12, 15654, 36883, 357, 55, 5432, 8, 318,
      986
    ]
  ],
  [
    'tab\tseparated\tvalues\r\nwindows line\r\n',
    [8658, 197, 25512, 515, 197, 27160, 201, 198, 28457, 1627, 201, 198]
  ],
  [
    'mixed中文and English混合text123数字',
    [76, 2966, 40792, 23877, 229, 392, 3594, 162, 115, 115, 28938, 230, 5239, 10163, 46763, 108, 27764, 245]
  ],
  [
    '\u00a0non-breaking\u3000ideographic space\u2028line sep',
    [1849, 13159, 12, 13395, 5099, 222, 485, 6826, 2272, 447, 101, 1370, 41767]
  ]
]

requireFixture(tokenizerDir)
describe('BpeTokenizer on the real GPT-2 files', () => {
  let fromJson: BpeTokenizer
  let fromVocab: BpeTokenizer
  let dir: string

  beforeAll(async () => {
    fromJson = await BpeTokenizer.fromFolder(tokenizerDir)
    dir = await mkdtemp(join(tmpdir(), 'tok-test-'))
    for (const name of ['vocab.json', 'merges.txt', 'tokenizer_config.json', 'special_tokens_map.json']) {
      await copyFile(join(tokenizerDir, name), join(dir, name))
    }
    fromVocab = await BpeTokenizer.fromFolder(dir)
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('has GPT-2 sizes and special ids', () => {
    for (const t of [fromJson, fromVocab]) {
      expect(t.vocabSize).toBe(50257)
      expect(t.eosTokenId).toBe(50256)
      expect(t.idToToken(262)).toBe('Ġthe')
      expect(t.idToToken(50256)).toBe('<|endoftext|>')
      expect(t.tokenToId('Ġworld')).toBe(995)
    }
  })

  for (const [text, ids] of expected) {
    it(`encodes ${JSON.stringify(text).slice(0, 60)} exactly and decodes it back`, () => {
      expect(fromJson.encode(text)).toEqual(ids)
      expect(fromVocab.encode(text)).toEqual(ids)
      expect(fromJson.decode(ids)).toBe(text)
    })
  }

  it('decodes bytes for streaming a character split across tokens', () => {
    const ids = fromJson.encode('😀')
    expect(ids).toEqual([47249, 222])
    expect(Array.from(fromJson.decodeBytes(ids))).toEqual([0xf0, 0x9f, 0x98, 0x80])
    expect(Array.from(fromJson.decodeBytes([ids[0]]))).toEqual([0xf0, 0x9f, 0x98])
    expect(fromJson.decode([ids[0]])).toBe('\ufffd')
    expect(new TextDecoder().decode(fromJson.decodeBytes([15496, 50256]))).toBe('Hello<|endoftext|>')
  })

  it('merges long unbroken strings exactly (ids from Hugging Face tokenizers)', () => {
    const blob = 'QUJD'.repeat(25_000) + 'x'
    const ids = fromJson.encode(blob)
    expect(ids.length).toBe(50_001)
    expect(ids.slice(0, 4)).toEqual([10917, 37882, 10917, 37882])
    expect(ids.slice(-3)).toEqual([10917, 37882, 87])
    expect(new Set(ids).size).toBe(3)
    expect(fromJson.decode(ids)).toBe(blob)
    const hex = fromJson.encode('0x' + '41'.repeat(5000))
    expect(hex.length).toBe(5001)
    expect(hex.slice(0, 4)).toEqual([15, 87, 37309, 1415])
    expect(hex.slice(-2)).toEqual([1415, 23756])
  })

  it('rejects ids outside the vocabulary', () => {
    expect(() => fromJson.decode([50257])).toThrow(/token id 50257 is not in the vocabulary \(0\.\.50256\)/)
    expect(() => fromJson.idToToken(-1)).toThrow(RangeError)
  })

  it('says what is missing in a folder without tokenizer files', async () => {
    const empty = join(dir, 'empty')
    await expect(BpeTokenizer.fromFolder(empty)).rejects.toThrow(
      /no tokenizer\.json and no vocab\.json \+ merges\.txt/
    )
    const broken = await mkdtemp(join(tmpdir(), 'tok-broken-'))
    await writeFile(
      join(broken, 'tokenizer.json'),
      JSON.stringify({ model: { type: 'WordPiece', vocab: {} } })
    )
    await expect(BpeTokenizer.fromFolder(broken)).rejects.toThrow(
      /tokenizer\.json: model\.type is "WordPiece"/
    )
    await rm(broken, { recursive: true, force: true })
  })
})
