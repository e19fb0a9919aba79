import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { f32ToBf16Bits, f32ToF16Bits } from '../../../src/engine/formats/half-float'
import {
  SafetensorsError,
  readSafetensors,
  readSafetensorsHeader,
  writeSafetensors
} from '../../../src/engine/formats/safetensors'
import { requireFixture, tinyModelDir } from './fixtures-dir'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'st-test-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** Builds a raw file from a header object and a data section, to forge broken files. */
async function forge(
  name: string,
  header: unknown,
  data: Uint8Array,
  lengthOverride?: bigint
): Promise<string> {
  const json = Buffer.from(typeof header === 'string' ? header : JSON.stringify(header))
  const len = Buffer.alloc(8)
  len.writeBigUInt64LE(lengthOverride ?? BigInt(json.length))
  const path = join(dir, name)
  await writeFile(path, Buffer.concat([len, json, data]))
  return path
}

requireFixture(tinyModelDir)
describe('safetensors on the PyTorch fixtures', () => {
  it('reads reference.safetensors with I64 ids and F32 logits', async () => {
    const file = await readSafetensors(join(tinyModelDir, 'reference.safetensors'))
    const ids = file.tensors.get('input_ids')!
    expect(ids.dtype).toBe('I64')
    expect(ids.shape).toEqual([2, 24])
    expect(ids.data).toBeInstanceOf(BigInt64Array)
    for (const v of ids.data as BigInt64Array) expect(v >= 0n && v < 1000n).toBe(true)
    const labels = file.tensors.get('labels')!.data as BigInt64Array
    expect(Array.from(labels.subarray(0, 8), Number)).toEqual(new Array(8).fill(-100))
    expect(Number(labels[8])).toBe(Number((ids.data as BigInt64Array)[8]))
    const logits = file.tensors.get('base_logits')!
    expect(logits.dtype).toBe('F32')
    expect(logits.shape).toEqual([2, 24, 1000])
    expect(logits.data).toBeInstanceOf(Float32Array)
    expect(logits.data.length).toBe(48_000)
    expect((logits.data as Float32Array).every((v) => Number.isFinite(v))).toBe(true)
  })

  it('reads only the tensors asked for, and the header alone', async () => {
    const path = join(tinyModelDir, 'model', 'model.safetensors')
    const only = await readSafetensors(path, { only: (n) => n.startsWith('h.1.') })
    expect([...only.tensors.keys()].every((k) => k.startsWith('h.1.'))).toBe(true)
    expect(only.tensors.get('h.1.attn.c_attn.weight')!.shape).toEqual([64, 192])
    const header = await readSafetensorsHeader(path)
    const wte = header.entries.get('wte.weight')!
    expect(wte.shape).toEqual([1000, 64])
    expect(wte.byteOffsets[1] - wte.byteOffsets[0]).toBe(1000 * 64 * 4)
  })
})

describe('safetensors round trips', () => {
  it('writes and reads back every writable dtype with metadata, aligned header', async () => {
    const path = join(dir, 'all.safetensors')
    const f32 = new Float32Array([1.5, -2.25, 3e-8, 65504])
    await writeSafetensors(
      path,
      {
        a: { dtype: 'F32', shape: [2, 2], data: f32 },
        b: { dtype: 'I64', shape: [3], data: new BigInt64Array([-100n, 0n, 50256n]) },
        c: { dtype: 'I32', shape: [1, 2], data: new Int32Array([-7, 2 ** 31 - 1]) },
        d: { dtype: 'U8', shape: [3], data: new Uint8Array([0, 128, 255]) },
        e: { dtype: 'F32', shape: [0, 4], data: new Float32Array(0) },
        s: { dtype: 'F32', shape: [], data: new Float32Array([42]) }
      },
      { format: 'pt', note: 'ünïcode' }
    )
    const raw = await readFile(path)
    const headerLength = Number(raw.readBigUInt64LE(0))
    expect((8 + headerLength) % 8).toBe(0)
    expect(
      raw
        .subarray(8, 8 + headerLength)
        .toString()
        .endsWith(' ') || headerLength % 8 === 0
    ).toBe(true)
    const back = await readSafetensors(path)
    expect(back.metadata).toEqual({ format: 'pt', note: 'ünïcode' })
    expect(Array.from(back.tensors.get('a')!.data as Float32Array)).toEqual(Array.from(f32))
    expect(Array.from(back.tensors.get('b')!.data as BigInt64Array)).toEqual([-100n, 0n, 50256n])
    expect(Array.from(back.tensors.get('c')!.data as Int32Array)).toEqual([-7, 2 ** 31 - 1])
    expect(Array.from(back.tensors.get('d')!.data as Uint8Array)).toEqual([0, 128, 255])
    expect(back.tensors.get('e')!.shape).toEqual([0, 4])
    expect(back.tensors.get('s')!).toEqual({ dtype: 'F32', shape: [], data: new Float32Array([42]) })
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([])
  })

  it('converts F16 exactly for representable values and rounds to nearest even', async () => {
    const path = join(dir, 'half.safetensors')
    // exact halves: normal, subnormal (2^-24, 2^-14 - 2^-24), max, signed zero, infinities
    const exact = [
      0,
      -0,
      1,
      -2,
      0.5,
      65504,
      -65504,
      2 ** -24,
      2 ** -14 - 2 ** -24,
      2 ** -14,
      Infinity,
      -Infinity,
      1 + 2 ** -10
    ]
    // ties and overflow: 1 + 2^-11 ties to 1 (even); 1 + 3*2^-11 ties up to 1 + 2^-9; 65520 overflows
    const rounded = [1 + 2 ** -11, 1 + 3 * 2 ** -11, 65520, 2 ** -25, 3 * 2 ** -26]
    const expected = [1, 1 + 2 ** -9, Infinity, 0, 2 ** -24]
    await writeSafetensors(path, {
      x: { dtype: 'F16', shape: [exact.length], data: new Float32Array(exact) },
      y: { dtype: 'F16', shape: [rounded.length], data: new Float32Array(rounded) },
      n: { dtype: 'F16', shape: [1], data: new Float32Array([NaN]) }
    })
    const back = await readSafetensors(path)
    expect(back.tensors.get('x')!.dtype).toBe('F16')
    expect(Array.from(back.tensors.get('x')!.data as Float32Array)).toEqual(exact)
    expect(Array.from(back.tensors.get('y')!.data as Float32Array)).toEqual(expected)
    expect(Number.isNaN((back.tensors.get('n')!.data as Float32Array)[0])).toBe(true)
    expect(f32ToF16Bits(1)).toBe(0x3c00)
    expect(f32ToF16Bits(-2)).toBe(0xc000)
    expect(f32ToF16Bits(65504)).toBe(0x7bff)
    expect(f32ToF16Bits(2 ** -24)).toBe(0x0001)
  })

  it('converts BF16 exactly for representable values and rounds to nearest even', async () => {
    const path = join(dir, 'bf16.safetensors')
    const exact = [0, 1, -1.5, 3.140625, 2 ** 100, -(2 ** -120), Infinity]
    await writeSafetensors(path, {
      x: { dtype: 'BF16', shape: [exact.length], data: new Float32Array(exact) },
      y: { dtype: 'BF16', shape: [2], data: new Float32Array([1 + 2 ** -8, 1 + 3 * 2 ** -8]) }
    })
    const back = await readSafetensors(path)
    expect(back.tensors.get('x')!.dtype).toBe('BF16')
    expect(Array.from(back.tensors.get('x')!.data as Float32Array)).toEqual(exact)
    expect(Array.from(back.tensors.get('y')!.data as Float32Array)).toEqual([1, 1 + 2 ** -6])
    expect(f32ToBf16Bits(1)).toBe(0x3f80)
    expect(f32ToBf16Bits(NaN) & 0x7fc0).toBe(0x7fc0)
  })

  it('reads F64, I16, I8 and BOOL written by other tools', async () => {
    const data = Buffer.alloc(8 + 4 + 2 + 2)
    data.writeDoubleLE(Math.PI, 0)
    data.writeInt16LE(-300, 8)
    data.writeInt16LE(300, 10)
    data.writeInt8(-5, 12)
    data.writeInt8(7, 13)
    data.writeUInt8(1, 14)
    data.writeUInt8(0, 15)
    const path = await forge(
      'other.safetensors',
      {
        f: { dtype: 'F64', shape: [1], data_offsets: [0, 8] },
        h: { dtype: 'I16', shape: [2], data_offsets: [8, 12] },
        i: { dtype: 'I8', shape: [2], data_offsets: [12, 14] },
        b: { dtype: 'BOOL', shape: [2], data_offsets: [14, 16] }
      },
      data
    )
    const back = await readSafetensors(path)
    expect(Array.from(back.tensors.get('f')!.data as Float64Array)).toEqual([Math.PI])
    expect(Array.from(back.tensors.get('h')!.data as Int16Array)).toEqual([-300, 300])
    expect(Array.from(back.tensors.get('i')!.data as Int8Array)).toEqual([-5, 7])
    expect(Array.from(back.tensors.get('b')!.data as Uint8Array)).toEqual([1, 0])
  })

  it('refuses data that does not match its dtype or shape when writing', async () => {
    const path = join(dir, 'bad-write.safetensors')
    await expect(
      writeSafetensors(path, { w: { dtype: 'F32', shape: [3], data: new Float32Array(2) } })
    ).rejects.toThrow(/tensor "w": shape \[3\] has 3 elements but the data has 2/)
    await expect(
      writeSafetensors(path, { w: { dtype: 'I64', shape: [2], data: new Int32Array(2) } })
    ).rejects.toThrow(/I64 data must be a BigInt64Array, got Int32Array/)
  })
})

describe('safetensors corruption', () => {
  const four = new Uint8Array(16)
  const cases: Array<[string, () => Promise<string>, RegExp]> = [
    [
      'file shorter than 8 bytes',
      () => writeFile(join(dir, 'tiny'), 'abc').then(() => join(dir, 'tiny')),
      /only 3 bytes long/
    ],
    [
      'header length beyond the file',
      () => forge('long.safetensors', {}, four, 1000n),
      /header length 1000 runs past the end of the file/
    ],
    ['non-JSON header', () => forge('nojson.safetensors', '{"a": [', four), /header is not valid JSON/],
    [
      'header not an object',
      () => forge('arr.safetensors', '[1,2]', new Uint8Array(0)),
      /header is not a JSON object/
    ],
    [
      'unknown dtype',
      () => forge('dtype.safetensors', { w: { dtype: 'F8_E4M3', shape: [16], data_offsets: [0, 16] } }, four),
      /tensor "w": unsupported dtype "F8_E4M3"/
    ],
    [
      'size != product(shape) * itemsize',
      () => forge('size.safetensors', { w: { dtype: 'F32', shape: [3], data_offsets: [0, 16] } }, four),
      /tensor "w": holds 16 bytes but F32 \[3\] needs 12/
    ],
    [
      'offsets overlapping',
      () =>
        forge(
          'overlap.safetensors',
          {
            a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
            b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] }
          },
          new Uint8Array(12)
        ),
      /tensor "b": data_offsets \[4, 12\] overlap the previous tensor/
    ],
    [
      'offsets leaving a gap',
      () =>
        forge(
          'gap.safetensors',
          {
            a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
            b: { dtype: 'F32', shape: [2], data_offsets: [8, 16] }
          },
          four
        ),
      /tensor "b": data_offsets \[8, 16\] leave a gap after byte 4/
    ],
    [
      'offsets reversed',
      () => forge('rev.safetensors', { a: { dtype: 'U8', shape: [0], data_offsets: [8, 4] } }, four),
      /tensor "a": data_offsets \[8,4\] are not \[begin, end\]/
    ],
    [
      'truncated data',
      () => forge('trunc.safetensors', { w: { dtype: 'F32', shape: [8], data_offsets: [0, 32] } }, four),
      /tensor "w": data ends at byte 32 of the data section but the file has only 16; the file is truncated/
    ],
    [
      'trailing bytes not covered by any tensor',
      () => forge('trail.safetensors', { w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, four),
      /the data section has 16 bytes but the tensors cover 8/
    ],
    [
      'metadata value not a string',
      () => forge('meta.safetensors', { __metadata__: { step: 3 } }, new Uint8Array(0)),
      /__metadata__.step is number/
    ],
    ['missing file', async () => join(dir, 'nope.safetensors'), /nope\.safetensors: no such file/]
  ]

  for (const [label, make, message] of cases) {
    it(`rejects ${label}`, async () => {
      const path = await make()
      const err = await readSafetensors(path).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(SafetensorsError)
      expect((err as Error).message).toMatch(message)
      expect((err as Error).message.startsWith(path)).toBe(true)
    })
  }

  it('names the file and tensor when the file was cut after the header was read', async () => {
    const path = join(dir, 'cut.safetensors')
    await writeSafetensors(path, { w: { dtype: 'F32', shape: [1024], data: new Float32Array(1024) } })
    const whole = await readFile(path)
    await writeFile(path, whole.subarray(0, whole.length - 100))
    await expect(readSafetensors(path)).rejects.toThrow(
      /cut\.safetensors: tensor "w": data ends at byte 4096/
    )
  })
})
