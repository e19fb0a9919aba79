// The sample datasets: MITRE's CWE catalogue, as shipped in the cwe-sdk package, turned into an
// instruction dataset ("Explain CWE-121 (Stack-based Buffer Overflow)." → description, consequences,
// mitigations) and a raw-text corpus, one document per weakness. Generated, not hand-written.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

/** The parts of a cwe-dictionary.json entry this uses (the XML catalogue converted to JSON). */
interface CweEntry {
  attr: { '@_ID': string; '@_Name': string; '@_Abstraction'?: string; '@_Status'?: string }
  Description?: unknown
  Extended_Description?: unknown
  Background_Details?: unknown
  Likelihood_Of_Exploit?: unknown
  Common_Consequences?: { Consequence?: unknown }
  Potential_Mitigations?: { Mitigation?: unknown }
}

export interface CweWeakness {
  id: string
  name: string
  abstraction: string
  description: string
  extended: string
  background: string
  likelihood: string
  consequences: string[]
  mitigations: string[]
}

function asList(value: unknown): unknown[] {
  if (value === undefined || value === null) return []
  return Array.isArray(value) ? value : [value]
}

/** Flattens the catalogue's XHTML-as-JSON (xhtml:p, xhtml:ul/li, …) into plain paragraphs. */
export function plainText(value: unknown): string {
  if (value === undefined || value === null) return ''
  if (typeof value === 'string') return value.replace(/\s+/g, ' ').trim()
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  if (Array.isArray(value)) return value.map(plainText).filter(Boolean).join('\n')
  if (typeof value === 'object') {
    const parts: string[] = []
    for (const [key, v] of Object.entries(value)) {
      if (key === 'attr' || key.startsWith('@_') || key === 'xhtml:br') continue
      if (key === 'xhtml:li') parts.push(...asList(v).map((item) => `- ${plainText(item)}`))
      else parts.push(plainText(v))
    }
    return parts.filter(Boolean).join('\n')
  }
  return ''
}

function joined(value: unknown): string {
  return asList(value).map(plainText).filter(Boolean).join(', ')
}

function consequenceLine(c: unknown): string {
  if (c === null || typeof c !== 'object') return ''
  const { Scope, Impact, Note } = c as { Scope?: unknown; Impact?: unknown; Note?: unknown }
  const head = [joined(Scope), asList(Impact).map(plainText).join('; ')].filter(Boolean).join(': ')
  const note = plainText(Note)
  return note ? `${head}. ${note}` : head
}

function mitigationLine(m: unknown): string {
  if (m === null || typeof m !== 'object') return ''
  const { Phase, Strategy, Description } = m as { Phase?: unknown; Strategy?: unknown; Description?: unknown }
  const phase = joined(Phase)
  const strategy = plainText(Strategy)
  const label = [phase, strategy ? `(${strategy})` : ''].filter(Boolean).join(' ')
  const text = plainText(Description).replace(/\n+/g, ' ')
  return label ? `${label}: ${text}` : text
}

let catalogue: CweWeakness[] | null = null

/** The weaknesses of the catalogue in id order, without deprecated entries. */
export function cweWeaknesses(): CweWeakness[] {
  if (catalogue) return catalogue
  const path = createRequire(import.meta.url).resolve('cwe-sdk/raw/cwe-dictionary.json')
  const raw = JSON.parse(readFileSync(path, 'utf8')) as Record<string, CweEntry>
  catalogue = Object.values(raw)
    .filter((e) => e.attr['@_Status'] !== 'Deprecated')
    .map((e) => ({
      id: e.attr['@_ID'],
      name: e.attr['@_Name'],
      abstraction: e.attr['@_Abstraction'] ?? '',
      description: plainText(e.Description),
      extended: plainText(e.Extended_Description),
      background: plainText(e.Background_Details),
      likelihood: plainText(e.Likelihood_Of_Exploit),
      consequences: asList(e.Common_Consequences?.Consequence).map(consequenceLine).filter(Boolean),
      mitigations: asList(e.Potential_Mitigations?.Mitigation).map(mitigationLine).filter(Boolean)
    }))
    .sort((a, b) => Number(a.id) - Number(b.id))
  return catalogue
}

function bullets(title: string, lines: string[]): string {
  return lines.length ? `${title}\n${lines.map((l) => `- ${l}`).join('\n')}` : ''
}

export interface CweInstruction {
  instruction: string
  input: string
  output: string
}

/** Per weakness: "Explain CWE-N (name)." and, where it has mitigations, "How can CWE-N be prevented?". */
export function cweInstructions(): CweInstruction[] {
  const out: CweInstruction[] = []
  for (const w of cweWeaknesses()) {
    const level = w.abstraction
      ? `CWE-${w.id} (${w.name}) is a ${w.abstraction.toLowerCase()}-level weakness. `
      : ''
    const explanation = [
      level + w.description,
      w.extended,
      w.likelihood ? `Likelihood of exploit: ${w.likelihood}.` : '',
      bullets('Common consequences:', w.consequences)
    ]
    out.push({
      instruction: `Explain CWE-${w.id} (${w.name}).`,
      input: '',
      output: explanation.filter(Boolean).join('\n\n')
    })
    if (w.mitigations.length) {
      out.push({
        instruction: `How can CWE-${w.id} (${w.name}) be prevented or mitigated?`,
        input: '',
        output: bullets('Potential mitigations:', w.mitigations)
      })
    }
  }
  return out
}

/** One plain-text document per weakness, for continued pretraining. */
export function cweCorpus(): { text: string }[] {
  return cweWeaknesses().map((w) => ({
    text: [
      `CWE-${w.id}: ${w.name}`,
      w.description,
      w.extended,
      w.background,
      bullets('Common consequences:', w.consequences),
      bullets('Potential mitigations:', w.mitigations)
    ]
      .filter(Boolean)
      .join('\n\n')
  }))
}
