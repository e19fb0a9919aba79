// Reads JSON Lines: one JSON value per line, streamed, each bad line reported with its number and
// skipped, so one broken line does not cost the rest of the file.
import { formatBytes, invalidUtf8Problem, makeProblem } from '../problems'
import { readByteLines } from './byte-lines'
import type { SourceLocation } from '../../../shared/datasets'
import type { ReadOptions, SourceFile, SourceItem } from './source-types'
import { decodeUtf8 } from './utf8'

export function jsonErrorReason(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err)
  return message.replace(/^JSON\.parse: /, '')
}

/** One JSON-lines line as a record, or as a problem naming its line when it does not parse. */
export function jsonLineItem(text: string, location: SourceLocation): SourceItem {
  try {
    return { type: 'record', value: JSON.parse(text) as unknown, location }
  } catch (err) {
    return {
      type: 'problem',
      problem: makeProblem(location, 'invalid_json', `invalid JSON (${jsonErrorReason(err)})`)
    }
  }
}

export async function* readJsonl(file: SourceFile, options: ReadOptions): AsyncGenerator<SourceItem> {
  const { maxRecordBytes } = options.limits
  for await (const line of readByteLines(file.path, maxRecordBytes, options.onBytes)) {
    const location = { file: file.display, line: line.number }
    if (line.bytes === null) {
      yield {
        type: 'problem',
        problem: makeProblem(
          location,
          'record_too_large',
          `record is ${formatBytes(line.length)}, over the ${formatBytes(maxRecordBytes)} limit for one record; split it or shorten it`
        )
      }
      continue
    }
    const decoded = decodeUtf8(line.bytes)
    if (decoded.invalidBytes > 0) {
      yield {
        type: 'problem',
        problem: invalidUtf8Problem(location, decoded.invalidBytes)
      }
    }
    const text = decoded.text.trim()
    if (text === '') continue
    yield jsonLineItem(text, location)
  }
}
