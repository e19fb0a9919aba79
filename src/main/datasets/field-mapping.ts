// Turns a parsed value (a JSON object, a CSV row, a text file) into a normalized record of the chosen
// format, reading the fields the mapping names; everything wrong is reported with its field.
import type {
  DatasetFormatName,
  DatasetProblem,
  FieldMappingInput,
  NormalizedMessage,
  NormalizedRecord,
  SourceLocation
} from '../../shared/datasets'
import { makeProblem } from './problems'

/** Common names for each role, most usual first; detection picks the one the records use. */
export const fieldCandidates = {
  text: ['text', 'content', 'body', 'document', 'markdown'],
  instruction: ['instruction', 'prompt', 'question', 'query'],
  input: ['input', 'context'],
  output: ['output', 'response', 'answer', 'completion', 'target'],
  messages: ['messages', 'conversations', 'conversation', 'dialog']
} as const

const roleNames: Record<string, NormalizedMessage['role']> = {
  system: 'system',
  user: 'user',
  human: 'user',
  prompter: 'user',
  assistant: 'assistant',
  gpt: 'assistant',
  bot: 'assistant',
  model: 'assistant',
  chatgpt: 'assistant'
}

export type RecordResult = { ok: true; record: NormalizedRecord } | { ok: false; problems: DatasetProblem[] }

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

function typeName(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'object') return 'an object'
  return `a ${typeof value}`
}

type FieldRead = { ok: true; value: string | null } | { ok: false; problem: DatasetProblem }

/** Reads a text field: null when absent (or null), an error when it holds a list or an object. */
function readTextField(record: Record<string, unknown>, field: string, loc: SourceLocation): FieldRead {
  const value = record[field]
  if (value === undefined || value === null) return { ok: true, value: null }
  if (typeof value === 'string') return { ok: true, value }
  if (typeof value === 'number' || typeof value === 'boolean') return { ok: true, value: String(value) }
  return {
    ok: false,
    problem: makeProblem(loc, 'wrong_type', `field '${field}' is ${typeName(value)}, expected text`, {
      field
    })
  }
}

function missing(loc: SourceLocation, field: string): DatasetProblem {
  return makeProblem(loc, 'missing_field', `field '${field}' is missing`, { field })
}

function empty(loc: SourceLocation, field: string): DatasetProblem {
  return makeProblem(loc, 'empty_record', `field '${field}' is empty`, { field })
}

function notAnObject(loc: SourceLocation, value: unknown, wanted: string): RecordResult {
  return {
    ok: false,
    problems: [
      makeProblem(loc, 'wrong_type', `record is ${typeName(value)}, expected an object with ${wanted}`)
    ]
  }
}

function normalizeText(value: unknown, field: string, loc: SourceLocation): RecordResult {
  let text: string | null
  if (typeof value === 'string') {
    text = value
  } else if (isObject(value)) {
    const read = readTextField(value, field, loc)
    if (!read.ok) return { ok: false, problems: [read.problem] }
    if (read.value === null) return { ok: false, problems: [missing(loc, field)] }
    text = read.value
  } else {
    return notAnObject(loc, value, `a '${field}' field`)
  }
  if (text.trim() === '')
    return { ok: false, problems: [makeProblem(loc, 'empty_record', 'record is empty')] }
  return { ok: true, record: { kind: 'text', text } }
}

function normalizeInstruction(value: unknown, mapping: ResolvedMapping, loc: SourceLocation): RecordResult {
  const { instruction: iField, input: inField, output: oField } = mapping
  if (!isObject(value)) return notAnObject(loc, value, `'${iField}' and '${oField}' fields`)
  const problems: DatasetProblem[] = []
  const read = (field: string, required: boolean): string => {
    const r = readTextField(value, field, loc)
    if (!r.ok) {
      problems.push(r.problem)
      return ''
    }
    if (r.value === null) {
      if (required) problems.push(missing(loc, field))
      return ''
    }
    if (required && r.value.trim() === '') problems.push(empty(loc, field))
    return r.value
  }
  const instruction = read(iField, true)
  const input = inField ? read(inField, false) : ''
  const output = read(oField, true)
  if (problems.length) return { ok: false, problems }
  return { ok: true, record: { kind: 'instruction', instruction, input, output } }
}

function normalizeChat(value: unknown, field: string, loc: SourceLocation): RecordResult {
  if (!isObject(value)) return notAnObject(loc, value, `a '${field}' list`)
  const list = value[field]
  if (list === undefined || list === null) return { ok: false, problems: [missing(loc, field)] }
  if (!Array.isArray(list)) {
    return {
      ok: false,
      problems: [
        makeProblem(loc, 'wrong_type', `field '${field}' is ${typeName(list)}, expected a list of messages`, {
          field
        })
      ]
    }
  }
  const problems: DatasetProblem[] = []
  const messages: NormalizedMessage[] = []
  list.forEach((turn, i) => {
    const at = `${field}[${i}]`
    if (!isObject(turn)) {
      problems.push(
        makeProblem(loc, 'bad_message', `${at} is ${typeName(turn)}, expected {role, content}`, { field: at })
      )
      return
    }
    const roleValue = turn.role ?? turn.from
    const content = turn.content ?? turn.value ?? turn.text
    const role = typeof roleValue === 'string' ? roleNames[roleValue.toLowerCase()] : undefined
    if (!role) {
      const shown = roleValue === undefined ? 'has no role' : `has role ${JSON.stringify(roleValue)}`
      problems.push(
        makeProblem(loc, 'bad_message', `${at} ${shown}; expected system, user or assistant (or human/gpt)`, {
          field: at
        })
      )
      return
    }
    if (typeof content !== 'string') {
      problems.push(makeProblem(loc, 'bad_message', `${at} has no text content`, { field: at }))
      return
    }
    messages.push({ role, content })
  })
  if (problems.length) return { ok: false, problems }
  if (messages.length === 0) return { ok: false, problems: [empty(loc, field)] }
  if (!messages.some((m) => m.role === 'assistant' && m.content.trim() !== '')) {
    return {
      ok: false,
      problems: [
        makeProblem(loc, 'no_answer', `field '${field}' has no assistant message to train on`, { field })
      ]
    }
  }
  return { ok: true, record: { kind: 'chat', messages } }
}

/** A mapping with every field the format needs decided (input may be absent). */
export interface ResolvedMapping {
  text: string
  instruction: string
  input: string | null
  output: string
  messages: string
}

export function resolveMapping(mapping: FieldMappingInput, detected: FieldMappingInput): ResolvedMapping {
  return {
    text: mapping.text ?? detected.text ?? 'text',
    instruction: mapping.instruction ?? detected.instruction ?? 'instruction',
    input: mapping.input ?? detected.input ?? null,
    output: mapping.output ?? detected.output ?? 'output',
    messages: mapping.messages ?? detected.messages ?? 'messages'
  }
}

export function normalizeRecord(
  value: unknown,
  format: DatasetFormatName,
  mapping: ResolvedMapping,
  loc: SourceLocation
): RecordResult {
  if (format === 'text') return normalizeText(value, mapping.text, loc)
  if (format === 'instruction') return normalizeInstruction(value, mapping, loc)
  return normalizeChat(value, mapping.messages, loc)
}

/** The characters of a record's content, for tokens-per-character and search. */
export function recordText(record: NormalizedRecord): string {
  if (record.kind === 'text') return record.text
  if (record.kind === 'instruction')
    return [record.instruction, record.input, record.output].filter(Boolean).join('\n')
  return record.messages.map((m) => m.content).join('\n')
}
