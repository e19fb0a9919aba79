// Reads a .json file by what it holds, not by its name: an array of records, an object holding
// exactly one array of records, a single record object (one with a field a record has; a keyed
// collection or a config object is refused, saying what it holds), or JSON-lines (one JSON value per line, how
// `{"text": …}` records are often saved under .json). Parsed whole (with a size limit), so a broken
// file names the line it breaks on.
import { fieldCandidates, isObject } from '../field-mapping'
import { FatalSourceError, makeProblem } from '../problems'
import { jsonErrorReason, jsonLineItem } from './jsonl-source'
import type { ReadOptions, SourceFile, SourceItem } from './source-types'
import { readWholeText } from './whole-file'

/** The line a JSON.parse error points at: V8 gives a position (Node 20) or a line and column (newer). */
function lineOfPosition(text: string, message: string): number | undefined {
  const direct = /line (\d+) column/.exec(message)
  if (direct) return Number(direct[1])
  const m = /position (\d+)/.exec(message)
  if (!m) return /end of JSON input/.test(message) ? text.split('\n').length : undefined
  const position = Number(m[1])
  let line = 1
  for (let i = text.indexOf('\n'); i >= 0 && i < position; i = text.indexOf('\n', i + 1)) line++
  return line
}

const LAYOUTS =
  'Expected an array of records ([{"text": …}, …]), JSON-lines (one record a line) or an object holding ' +
  'one array of records ({"data": [{"text": …}, …]}).'

const recordFields = new Set<string>(Object.values(fieldCandidates).flat())

function quoted(keys: string[]): string {
  const shown = keys.slice(0, 6).map((k) => `'${k}'`)
  return keys.length > shown.length ? `${shown.join(', ')}, …` : shown.join(', ')
}

/**
 * Why an object with no array in it is not one record, or null when it is one: a keyed collection
 * ({"1": {…}, "2": {…}}) or an object with none of the fields a record has (a config file).
 */
function notARecord(value: Record<string, unknown>): string | null {
  const keys = Object.keys(value)
  if (keys.some((k) => recordFields.has(k.toLowerCase()))) return null
  if (keys.length > 0 && Object.values(value).every(isObject)) {
    return `holds one object of ${keys.length} objects keyed ${quoted(keys)}, not a list of records; put them in an array`
  }
  return (
    `holds one object with the fields ${quoted(keys)} and none a record has (text, instruction, output, ` +
    `messages…); it looks like settings, not data`
  )
}

function recordsOf(value: unknown, display: string): { items: unknown[]; key: string | null } {
  if (Array.isArray(value)) return { items: value, key: null }
  if (value !== null && typeof value === 'object') {
    const arrays = Object.entries(value).filter(([, v]) => Array.isArray(v))
    if (arrays.length === 1) return { items: arrays[0][1] as unknown[], key: arrays[0][0] }
    if (arrays.length > 1) {
      throw new FatalSourceError(
        makeProblem(
          { file: display },
          'invalid_json',
          `holds several arrays (${arrays.map(([k]) => `'${k}'`).join(', ')}); keep the one with the records, or convert the file to JSONL`
        )
      )
    }
    const why = notARecord(value as Record<string, unknown>)
    if (why) throw new FatalSourceError(makeProblem({ file: display }, 'invalid_json', `${why}. ${LAYOUTS}`))
    return { items: [value], key: null }
  }
  throw new FatalSourceError(
    makeProblem(
      { file: display },
      'invalid_json',
      'holds a single value, not records; expected an array of objects'
    )
  )
}

/**
 * The file's non-empty lines when it reads as JSON-lines: at least two of them and the first one a
 * complete JSON value on its own. A broken array or object fails on its first line, so it is still
 * reported as broken JSON rather than as lines.
 */
function jsonLines(text: string): { text: string; line: number }[] | null {
  const lines = text
    .split('\n')
    .map((raw, i) => ({ text: raw.trim(), line: i + 1 }))
    .filter((l) => l.text !== '')
  if (lines.length < 2) return null
  try {
    JSON.parse(lines[0].text)
  } catch {
    return null
  }
  return lines
}

export async function* readJson(file: SourceFile, options: ReadOptions): AsyncGenerator<SourceItem> {
  const { text, problem } = await readWholeText(
    file,
    options.limits.maxWholeFileBytes,
    'convert it to JSON Lines (.jsonl, one record per line), which is read as a stream'
  )
  options.onBytes?.(file.bytes)
  if (problem) yield { type: 'problem', problem }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err) {
    const lines = jsonLines(text)
    if (lines) {
      for (const l of lines) yield jsonLineItem(l.text, { file: file.display, line: l.line })
      return
    }
    const reason = jsonErrorReason(err)
    throw new FatalSourceError(
      makeProblem(
        { file: file.display, line: lineOfPosition(text, reason) },
        'invalid_json',
        `invalid JSON (${reason})`
      )
    )
  }
  const { items } = recordsOf(value, file.display)
  for (let i = 0; i < items.length; i++) {
    yield { type: 'record', value: items[i], location: { file: file.display, item: i + 1 } }
  }
}
