// Guesses the format of a dataset from a sample of its records and says why ("12/12 sampled records
// have 'instruction' and 'output' fields"), with the field names it found, so the user can confirm
// or override it.
import type { DetectedFormat, FieldMappingInput, FieldSummary } from '../../shared/datasets'
import { fieldCandidates, isObject } from './field-mapping'

function mostCommon(counts: Map<string, number>): string | undefined {
  let best: string | undefined
  let bestCount = 0
  for (const [name, count] of counts) {
    if (count > bestCount) {
      best = name
      bestCount = count
    }
  }
  return best
}

function firstPresent(
  record: Record<string, unknown>,
  names: readonly string[],
  accept: (v: unknown) => boolean
) {
  return names.find((name) => name in record && accept(record[name]))
}

const isText = (v: unknown): boolean => typeof v === 'string'
const isTurnList = (v: unknown): boolean =>
  Array.isArray(v) &&
  v.length > 0 &&
  v.every(
    (t) => isObject(t) && ('role' in t || 'from' in t) && ('content' in t || 'value' in t || 'text' in t)
  )

function bump(map: Map<string, number>, key: string | undefined): void {
  if (key !== undefined) map.set(key, (map.get(key) ?? 0) + 1)
}

export function detectFormat(samples: unknown[]): { best: DetectedFormat; alternatives: DetectedFormat[] } {
  const n = samples.length
  let plainText = 0
  let textField = 0
  let instruction = 0
  let chat = 0
  let shareGpt = 0
  const names = {
    text: new Map<string, number>(),
    instruction: new Map<string, number>(),
    input: new Map<string, number>(),
    output: new Map<string, number>(),
    messages: new Map<string, number>()
  }
  for (const value of samples) {
    if (typeof value === 'string') {
      plainText++
      continue
    }
    if (!isObject(value)) continue
    const messages = firstPresent(value, fieldCandidates.messages, isTurnList)
    if (messages) {
      chat++
      const first = (value[messages] as Record<string, unknown>[])[0]
      if ('from' in first) shareGpt++
      bump(names.messages, messages)
    }
    const instr = firstPresent(value, fieldCandidates.instruction, isText)
    const out = firstPresent(value, fieldCandidates.output, isText)
    if (instr && out) {
      instruction++
      bump(names.instruction, instr)
      bump(names.output, out)
      bump(
        names.input,
        firstPresent(value, fieldCandidates.input, (v) => v === null || isText(v))
      )
    }
    const text = firstPresent(value, fieldCandidates.text, isText)
    if (text) {
      textField++
      bump(names.text, text)
    }
  }

  const of = (count: number): string => `${count}/${n} sampled records`
  const mapping: FieldMappingInput = {
    text: mostCommon(names.text),
    instruction: mostCommon(names.instruction),
    input: mostCommon(names.input),
    output: mostCommon(names.output),
    messages: mostCommon(names.messages)
  }
  const candidates: DetectedFormat[] = []
  const messagesField = mapping.messages ?? 'messages'
  candidates.push({
    format: 'chat',
    confidence: n ? chat / n : 0,
    mapping: { messages: messagesField },
    reason:
      shareGpt > chat / 2
        ? `${of(chat)} have a '${messagesField}' list of {from, value} turns (ShareGPT)`
        : `${of(chat)} have a '${messagesField}' list of {role, content} messages`
  })
  const iName = mapping.instruction ?? 'instruction'
  const oName = mapping.output ?? 'output'
  const renamed = iName !== 'instruction' || oName !== 'output' ? ' (read as instruction and output)' : ''
  candidates.push({
    format: 'instruction',
    confidence: n ? instruction / n : 0,
    mapping: { instruction: iName, input: mapping.input, output: oName },
    reason: `${of(instruction)} have '${iName}' and '${oName}' fields${renamed}`
  })
  const textCount = plainText + textField
  candidates.push({
    format: 'text',
    confidence: n ? textCount / n : 0,
    mapping: mapping.text ? { text: mapping.text } : {},
    reason:
      plainText >= textField
        ? `${of(textCount)} are plain text documents`
        : `${of(textCount)} have a '${mapping.text}' text field`
  })
  const order = ['chat', 'instruction', 'text']
  const ranked = [...candidates].sort(
    (a, b) => b.confidence - a.confidence || order.indexOf(a.format) - order.indexOf(b.format)
  )
  let best = ranked[0]
  if (best.confidence === 0) {
    best = {
      format: 'text',
      confidence: 0,
      mapping: {},
      reason:
        n === 0
          ? 'no records could be read; check the problems below'
          : `none of the ${n} sampled records has instruction/output fields, a messages list or a text field; choose the format and map the fields`
    }
  }
  return { best, alternatives: ranked.filter((c) => c.format !== best.format) }
}

export function summarizeFields(samples: unknown[]): FieldSummary[] {
  const fields = new Map<string, { count: number; types: Set<string> }>()
  for (const value of samples) {
    if (!isObject(value)) continue
    for (const [name, v] of Object.entries(value)) {
      const entry = fields.get(name) ?? { count: 0, types: new Set<string>() }
      entry.count++
      entry.types.add(v === null ? 'null' : Array.isArray(v) ? 'list' : typeof v)
      fields.set(name, entry)
    }
  }
  return [...fields.entries()].map(([name, e]) => ({ name, count: e.count, types: [...e.types].sort() }))
}
