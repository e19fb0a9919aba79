// Reads Parquet (the format Hugging Face datasets are published in) with hyparquet, pure JS, a batch
// of rows at a time so a large file is not decoded at once.
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, type FileMetaData } from 'hyparquet'
import { FatalSourceError, makeProblem } from '../problems'
import type { ReadOptions, SourceFile, SourceItem } from './source-types'

const BATCH_ROWS = 2000

function plain(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value)
  if (Array.isArray(value)) return value.map(plain)
  if (value instanceof Uint8Array) return new TextDecoder().decode(value)
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]))
  }
  return value
}

export async function* readParquet(file: SourceFile, options: ReadOptions): AsyncGenerator<SourceItem> {
  const fail = (err: unknown): never => {
    throw new FatalSourceError(
      makeProblem(
        { file: file.display },
        'invalid_parquet',
        `cannot be read as Parquet (${(err as Error).message}); files compressed with snappy or uncompressed are supported`
      )
    )
  }
  let metadata: FileMetaData
  const buffer = await asyncBufferFromFile(file.path).catch(fail)
  try {
    metadata = await parquetMetadataAsync(buffer)
  } catch (err) {
    return fail(err)
  }
  const rows = Number(metadata.num_rows)
  for (let start = 0; start < rows; start += BATCH_ROWS) {
    const end = Math.min(rows, start + BATCH_ROWS)
    const batch = await parquetReadObjects({ file: buffer, metadata, rowStart: start, rowEnd: end }).catch(
      fail
    )
    for (let i = 0; i < batch.length; i++) {
      yield { type: 'record', value: plain(batch[i]), location: { file: file.display, row: start + i + 1 } }
    }
    options.onBytes?.(Math.round((file.bytes * end) / rows))
  }
}
