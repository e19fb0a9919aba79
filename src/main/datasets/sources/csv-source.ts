// Reads CSV and TSV with csv-parse as a stream: the first row names the columns, every later row
// becomes a record keyed by them, rows with the wrong number of cells are reported by row and line.
import { createReadStream } from 'node:fs'
import { Readable } from 'node:stream'
import { parse, type Info } from 'csv-parse'
import { FatalSourceError, formatBytes, invalidUtf8Problem, makeProblem } from '../problems'
import type { ReadOptions, SourceFile, SourceItem } from './source-types'
import { StreamingUtf8Decoder } from './utf8'

async function* decodedChunks(
  file: SourceFile,
  decoder: StreamingUtf8Decoder,
  onBytes?: (bytesRead: number) => void
): AsyncGenerator<string> {
  let bytesRead = 0
  for await (const chunk of createReadStream(file.path, {
    highWaterMark: 1 << 20
  }) as AsyncIterable<Buffer>) {
    bytesRead += chunk.length
    onBytes?.(bytesRead)
    yield decoder.write(chunk)
  }
  const tail = decoder.end()
  if (tail) yield tail
}

export async function* readCsv(file: SourceFile, options: ReadOptions): AsyncGenerator<SourceItem> {
  const decoder = new StreamingUtf8Decoder()
  const parser = Readable.from(decodedChunks(file, decoder, options.onBytes)).pipe(
    parse({
      delimiter: file.kind === 'tsv' ? '\t' : ',',
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      max_record_size: options.limits.maxRecordBytes,
      quote: file.kind === 'tsv' ? false : '"'
    })
  )
  let header: string[] | null = null
  let row = 0
  try {
    for await (const entry of parser as AsyncIterable<{ record: string[]; info: Info }>) {
      const { record, info } = entry
      if (!header) {
        header = record.map((name, i) => name.trim() || `column${i + 1}`)
        continue
      }
      row++
      const location = { file: file.display, row, line: info.lines }
      if (record.length !== header.length) {
        yield {
          type: 'problem',
          problem: makeProblem(
            { file: file.display, row },
            'invalid_csv',
            `has ${record.length} cells but the header has ${header.length} (line ${info.lines}); check quoting and delimiters`
          )
        }
        continue
      }
      const value: Record<string, string> = {}
      header.forEach((name, i) => (value[name] = record[i]))
      yield { type: 'record', value, location: { file: location.file, row } }
    }
  } catch (err) {
    const e = err as Error & { code?: string; lines?: number }
    const what =
      e.code === 'CSV_MAX_RECORD_SIZE'
        ? `a row is over the ${formatBytes(options.limits.maxRecordBytes)} limit for one record; check for an unclosed quote`
        : `cannot be parsed as ${file.kind.toUpperCase()} (${e.message})`
    throw new FatalSourceError(makeProblem({ file: file.display, line: e.lines }, 'invalid_csv', what))
  }
  if (decoder.invalidBytes > 0) {
    yield {
      type: 'problem',
      problem: invalidUtf8Problem({ file: file.display }, decoder.invalidBytes)
    }
  }
}
