// The safetensors format (Hugging Face): how checkpoints, adapters and test fixtures are read and
// written. Reads go tensor by tensor into their own typed arrays, so a big file is never held twice.
import { open, rename, rm } from 'node:fs/promises'
import type { FileHandle } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { bf16ToF32, f16ToF32, f32ToBf16, f32ToF16 } from './half-float'

export type SafetensorsDtype = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL'

export type TensorData =
  Float32Array | Float64Array | Int32Array | Int16Array | Int8Array | Uint8Array | BigInt64Array

/** F16/BF16 tensors come back as Float32Array; `dtype` keeps the file's dtype. BOOL is Uint8Array. */
export interface TensorEntry {
  dtype: SafetensorsDtype
  shape: number[]
  data: TensorData
}

export interface SafetensorsFile {
  tensors: Map<string, TensorEntry>
  metadata: Record<string, string>
}

export interface HeaderEntry {
  dtype: SafetensorsDtype
  shape: number[]
  /** [begin, end) relative to the start of the data section, as in the file. */
  byteOffsets: [number, number]
}

export interface SafetensorsHeader {
  entries: Map<string, HeaderEntry>
  metadata: Record<string, string>
  /** Absolute file offset of the data section (8 + header length). */
  dataStart: number
  fileSize: number
}

/** F16/BF16 are written from Float32Array (rounded to nearest even); the others from their own array type. */
export interface TensorToWrite {
  dtype: 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'U8'
  shape: number[]
  data: TensorData
}

/** A file that is not valid safetensors; the message names the file and, where known, the tensor. */
export class SafetensorsError extends Error {
  readonly file: string
  readonly tensor: string | undefined
  constructor(file: string, message: string, tensor?: string) {
    super(`${file}: ${tensor === undefined ? '' : `tensor "${tensor}": `}${message}`)
    this.name = 'SafetensorsError'
    this.file = file
    this.tensor = tensor
  }
}

const ITEM_SIZE: Record<SafetensorsDtype, number> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1
}

/** Headers above this are refused rather than allocated (the reference implementation uses 100 MB). */
const MAX_HEADER_BYTES = 100_000_000
/** fs reads are capped near 2 GiB per call; larger tensors are read in pieces. */
const READ_CHUNK = 1 << 30

function isDtype(value: unknown): value is SafetensorsDtype {
  return typeof value === 'string' && Object.hasOwn(ITEM_SIZE, value)
}

function elementCount(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1)
}

function describeShape(shape: number[]): string {
  return `[${shape.join(', ')}]`
}

async function readExactly(fh: FileHandle, target: Uint8Array, position: number): Promise<number> {
  let done = 0
  while (done < target.length) {
    const length = Math.min(READ_CHUNK, target.length - done)
    const { bytesRead } = await fh.read(target, done, length, position + done)
    if (bytesRead === 0) break
    done += bytesRead
  }
  return done
}

function parseEntry(file: string, name: string, raw: unknown, dataLength: number): HeaderEntry {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new SafetensorsError(file, 'header entry is not an object', name)
  }
  const { dtype, shape, data_offsets: offsets } = raw as Record<string, unknown>
  if (!isDtype(dtype)) {
    throw new SafetensorsError(
      file,
      `unsupported dtype ${JSON.stringify(dtype)} (supported: ${Object.keys(ITEM_SIZE).join(', ')})`,
      name
    )
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new SafetensorsError(
      file,
      `shape ${JSON.stringify(shape)} is not a list of non-negative integers`,
      name
    )
  }
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) ||
    offsets[1] < offsets[0]
  ) {
    throw new SafetensorsError(
      file,
      `data_offsets ${JSON.stringify(offsets)} are not [begin, end] with begin <= end`,
      name
    )
  }
  const [begin, end] = offsets as [number, number]
  const expected = elementCount(shape) * ITEM_SIZE[dtype]
  if (end - begin !== expected) {
    throw new SafetensorsError(
      file,
      `holds ${end - begin} bytes but ${dtype} ${describeShape(shape)} needs ${expected}; the file is corrupt`,
      name
    )
  }
  if (end > dataLength) {
    throw new SafetensorsError(
      file,
      `data ends at byte ${end} of the data section but the file has only ${dataLength}; the file is truncated (download it again)`,
      name
    )
  }
  return { dtype, shape: shape as number[], byteOffsets: [begin, end] }
}

/** Tensors must tile the data section exactly: sorted by offset, no overlap, no hole, nothing left over. */
function checkTiling(file: string, entries: Map<string, HeaderEntry>, dataLength: number): void {
  const sorted = [...entries].sort(
    (a, b) => a[1].byteOffsets[0] - b[1].byteOffsets[0] || a[1].byteOffsets[1] - b[1].byteOffsets[1]
  )
  let cursor = 0
  for (const [name, entry] of sorted) {
    const [begin] = entry.byteOffsets
    if (begin < cursor) {
      throw new SafetensorsError(
        file,
        `data_offsets [${entry.byteOffsets.join(', ')}] overlap the previous tensor (which ends at ${cursor})`,
        name
      )
    }
    if (begin > cursor) {
      throw new SafetensorsError(
        file,
        `data_offsets [${entry.byteOffsets.join(', ')}] leave a gap after byte ${cursor}`,
        name
      )
    }
    cursor = entry.byteOffsets[1]
  }
  if (cursor !== dataLength) {
    throw new SafetensorsError(
      file,
      `the data section has ${dataLength} bytes but the tensors cover ${cursor}; the file is corrupt`
    )
  }
}

function parseHeaderJson(
  file: string,
  text: string,
  dataLength: number
): Pick<SafetensorsHeader, 'entries' | 'metadata'> {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (err) {
    throw new SafetensorsError(
      file,
      `header is not valid JSON (${(err as Error).message}); this is not a safetensors file`
    )
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new SafetensorsError(file, 'header is not a JSON object; this is not a safetensors file')
  }
  const metadata: Record<string, string> = {}
  const entries = new Map<string, HeaderEntry>()
  for (const [name, raw] of Object.entries(parsed as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
        throw new SafetensorsError(file, '__metadata__ is not an object of strings')
      }
      for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
        if (typeof value !== 'string') {
          throw new SafetensorsError(
            file,
            `__metadata__.${key} is ${typeof value}, but metadata values must be strings`
          )
        }
        metadata[key] = value
      }
      continue
    }
    entries.set(name, parseEntry(file, name, raw, dataLength))
  }
  checkTiling(file, entries, dataLength)
  return { entries, metadata }
}

async function readHeaderFrom(fh: FileHandle, file: string): Promise<SafetensorsHeader> {
  const fileSize = (await fh.stat()).size
  if (fileSize < 8) {
    throw new SafetensorsError(
      file,
      `only ${fileSize} bytes long; a safetensors file starts with an 8-byte header length`
    )
  }
  const lengthBytes = new Uint8Array(8)
  await readExactly(fh, lengthBytes, 0)
  const headerLength = new DataView(lengthBytes.buffer).getBigUint64(0, true)
  if (headerLength > BigInt(fileSize - 8)) {
    throw new SafetensorsError(
      file,
      `header length ${headerLength} runs past the end of the file (${fileSize} bytes); the file is truncated or not safetensors`
    )
  }
  if (headerLength > BigInt(MAX_HEADER_BYTES)) {
    throw new SafetensorsError(
      file,
      `header length ${headerLength} exceeds ${MAX_HEADER_BYTES} bytes; refusing to read it`
    )
  }
  const n = Number(headerLength)
  const headerBytes = new Uint8Array(n)
  await readExactly(fh, headerBytes, 8)
  const text = new TextDecoder('utf-8', { fatal: false }).decode(headerBytes)
  const dataStart = 8 + n
  return { ...parseHeaderJson(file, text, fileSize - dataStart), dataStart, fileSize }
}

export async function readSafetensorsHeader(path: string): Promise<SafetensorsHeader> {
  const fh = await openForRead(path)
  try {
    return await readHeaderFrom(fh, path)
  } finally {
    await fh.close()
  }
}

async function openForRead(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'r')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw new SafetensorsError(path, 'no such file')
    throw err
  }
}

function viewAs(dtype: SafetensorsDtype, bytes: Uint8Array): TensorData {
  const { buffer } = bytes
  const n = bytes.length / ITEM_SIZE[dtype]
  switch (dtype) {
    case 'F64':
      return new Float64Array(buffer, 0, n)
    case 'F32':
      return new Float32Array(buffer, 0, n)
    case 'F16':
      return f16ToF32(new Uint16Array(buffer, 0, n))
    case 'BF16':
      return bf16ToF32(new Uint16Array(buffer, 0, n))
    case 'I64':
      return new BigInt64Array(buffer, 0, n)
    case 'I32':
      return new Int32Array(buffer, 0, n)
    case 'I16':
      return new Int16Array(buffer, 0, n)
    case 'I8':
      return new Int8Array(buffer, 0, n)
    case 'U8':
    case 'BOOL':
      return bytes
  }
}

/** Reads tensors (all, or those `only` accepts). Data are little-endian, as on every supported platform. */
export async function readSafetensors(
  path: string,
  options: { only?: (name: string) => boolean } = {}
): Promise<SafetensorsFile> {
  const fh = await openForRead(path)
  try {
    const header = await readHeaderFrom(fh, path)
    const tensors = new Map<string, TensorEntry>()
    for (const [name, entry] of header.entries) {
      if (options.only && !options.only(name)) continue
      const [begin, end] = entry.byteOffsets
      const bytes = new Uint8Array(end - begin)
      const got = await readExactly(fh, bytes, header.dataStart + begin)
      if (got !== bytes.length) {
        throw new SafetensorsError(
          path,
          `read ${got} of ${bytes.length} bytes; the file changed or is truncated`,
          name
        )
      }
      tensors.set(name, { dtype: entry.dtype, shape: [...entry.shape], data: viewAs(entry.dtype, bytes) })
    }
    return { tensors, metadata: header.metadata }
  } finally {
    await fh.close()
  }
}

function checkWritable(path: string, name: string, tensor: TensorToWrite): void {
  const n = elementCount(tensor.shape)
  if (!tensor.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new SafetensorsError(
      path,
      `shape ${JSON.stringify(tensor.shape)} is not a list of non-negative integers`,
      name
    )
  }
  const wanted: Record<TensorToWrite['dtype'], { ctor: { name: string }; test: (d: TensorData) => boolean }> =
    {
      F32: { ctor: Float32Array, test: (d) => d instanceof Float32Array },
      F16: { ctor: Float32Array, test: (d) => d instanceof Float32Array },
      BF16: { ctor: Float32Array, test: (d) => d instanceof Float32Array },
      I64: { ctor: BigInt64Array, test: (d) => d instanceof BigInt64Array },
      I32: { ctor: Int32Array, test: (d) => d instanceof Int32Array },
      U8: { ctor: Uint8Array, test: (d) => d instanceof Uint8Array }
    }
  const rule = wanted[tensor.dtype]
  if (!rule) throw new SafetensorsError(path, `cannot write dtype ${String(tensor.dtype)}`, name)
  if (!rule.test(tensor.data)) {
    throw new SafetensorsError(
      path,
      `${tensor.dtype} data must be a ${rule.ctor.name}, got ${tensor.data.constructor.name}`,
      name
    )
  }
  if (tensor.data.length !== n) {
    throw new SafetensorsError(
      path,
      `shape ${describeShape(tensor.shape)} has ${n} elements but the data has ${tensor.data.length}`,
      name
    )
  }
}

async function writeAll(fh: FileHandle, bytes: Uint8Array): Promise<void> {
  let done = 0
  while (done < bytes.length) {
    const { bytesWritten } = await fh.write(bytes, done, Math.min(READ_CHUNK, bytes.length - done))
    done += bytesWritten
  }
}

function encodeTensor(tensor: TensorToWrite): Uint8Array {
  const data =
    tensor.dtype === 'F16'
      ? f32ToF16(tensor.data as Float32Array)
      : tensor.dtype === 'BF16'
        ? f32ToBf16(tensor.data as Float32Array)
        : tensor.data
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
}

/**
 * Writes a safetensors file atomically (temporary name, then rename). Tensors are laid out by
 * decreasing item size, then name, so every tensor starts aligned to its own item size.
 */
export async function writeSafetensors(
  path: string,
  tensors: Record<string, TensorToWrite>,
  metadata?: Record<string, string>
): Promise<void> {
  const names = Object.keys(tensors)
  for (const name of names) {
    if (name === '__metadata__')
      throw new SafetensorsError(path, '"__metadata__" is reserved and cannot name a tensor')
    checkWritable(path, name, tensors[name])
  }
  names.sort(
    (a, b) => ITEM_SIZE[tensors[b].dtype] - ITEM_SIZE[tensors[a].dtype] || (a < b ? -1 : a > b ? 1 : 0)
  )
  const header: Record<string, unknown> = {}
  if (metadata && Object.keys(metadata).length > 0) {
    for (const [key, value] of Object.entries(metadata)) {
      if (typeof value !== 'string')
        throw new SafetensorsError(path, `metadata value for "${key}" must be a string`)
    }
    header.__metadata__ = metadata
  }
  let offset = 0
  for (const name of names) {
    const { dtype, shape } = tensors[name]
    const size = elementCount(shape) * ITEM_SIZE[dtype]
    header[name] = { dtype, shape, data_offsets: [offset, offset + size] }
    offset += size
  }
  const json = new TextEncoder().encode(JSON.stringify(header))
  const padded = Math.ceil((8 + json.length) / 8) * 8 - 8
  const head = new Uint8Array(8 + padded).fill(0x20)
  new DataView(head.buffer).setBigUint64(0, BigInt(padded), true)
  head.set(json, 8)

  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`)
  const fh = await open(tmp, 'w')
  try {
    await writeAll(fh, head)
    for (const name of names) await writeAll(fh, encodeTensor(tensors[name]))
    await fh.sync()
    await fh.close()
    await rename(tmp, path)
  } catch (err) {
    await fh.close().catch(() => undefined)
    await rm(tmp, { force: true })
    throw err
  }
}
