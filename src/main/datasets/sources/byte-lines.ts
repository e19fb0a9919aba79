// Splits a file into lines at the byte level while streaming, so a 500 MB JSONL file is never held
// in memory, each line is decoded (and its bad UTF-8 counted) on its own, and over-long lines are
// skipped without being buffered.
import { createReadStream } from 'node:fs'

/** Small chunks keep the buffers in flight few: 1 MB ones added megabytes of RSS and no speed. */
const CHUNK_BYTES = 64 * 1024

export interface ByteLine {
  /** 1-based line number. */
  number: number
  /** The line without its terminator; null when it was longer than the limit (bytes skipped). */
  bytes: Uint8Array | null
  /** Length of the line in bytes, also when it was skipped. */
  length: number
}

export async function* readByteLines(
  path: string,
  maxLineBytes: number,
  onBytes?: (bytesRead: number) => void
): AsyncGenerator<ByteLine> {
  let parts: Buffer[] = []
  let partLength = 0
  let overflow = false
  let number = 0
  let bytesRead = 0

  const finish = (tail: Buffer): ByteLine => {
    number++
    const length = partLength + tail.length
    let line: ByteLine
    if (overflow || length > maxLineBytes) {
      line = { number, bytes: null, length }
    } else {
      let bytes = parts.length ? Buffer.concat([...parts, tail]) : tail
      if (bytes.length && bytes[bytes.length - 1] === 0x0d) bytes = bytes.subarray(0, bytes.length - 1)
      line = { number, bytes, length }
    }
    parts = []
    partLength = 0
    overflow = false
    return line
  }

  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK_BYTES }) as AsyncIterable<Buffer>) {
    bytesRead += chunk.length
    let start = 0
    for (let nl = chunk.indexOf(0x0a, start); nl >= 0; nl = chunk.indexOf(0x0a, start)) {
      yield finish(chunk.subarray(start, nl))
      start = nl + 1
    }
    const rest = chunk.subarray(start)
    if (rest.length) {
      partLength += rest.length
      if (overflow || partLength > maxLineBytes) {
        overflow = true
        parts = []
      } else {
        parts.push(Buffer.from(rest))
      }
    }
    onBytes?.(bytesRead)
  }
  if (partLength > 0) yield finish(Buffer.alloc(0))
}
