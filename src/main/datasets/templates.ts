// Prompt templates: how an instruction record or a chat turn becomes text, split into the prompt
// (masked from the loss unless "train on prompt") and the answer (trained, then EOS). The default is
// the user's own `Human: {instruction}\n{input}\n\nAssistant: `; with an empty input the `{input}`
// line is dropped, giving `Human: {instruction}\n\nAssistant: ` as their Python script did.
import type { NormalizedRecord, TemplateKind, TemplateSpec } from '../../shared/datasets'
import { ServiceError } from '../../shared/errors'

/** One stretch of the formatted sample; `eos` marks where the end-of-text token goes. */
export type Piece = { text: string; trained: boolean } | { eos: true }

export const templateTexts: Record<
  Exclude<TemplateKind, 'custom' | 'raw'>,
  { withInput: string; withoutInput: string }
> = {
  'human-assistant': {
    withInput: 'Human: {instruction}\n{input}\n\nAssistant: {output}',
    withoutInput: 'Human: {instruction}\n\nAssistant: {output}'
  },
  alpaca: {
    withInput:
      'Below is an instruction that describes a task, paired with an input that provides further context. ' +
      'Write a response that appropriately completes the request.\n\n' +
      '### Instruction:\n{instruction}\n\n### Input:\n{input}\n\n### Response:\n{output}',
    withoutInput:
      'Below is an instruction that describes a task. Write a response that appropriately completes the request.\n\n' +
      '### Instruction:\n{instruction}\n\n### Response:\n{output}'
  },
  chatml: {
    withInput:
      '<|im_start|>user\n{instruction}\n{input}<|im_end|>\n<|im_start|>assistant\n{output}<|im_end|>\n',
    withoutInput: '<|im_start|>user\n{instruction}<|im_end|>\n<|im_start|>assistant\n{output}<|im_end|>\n'
  }
}

const placeholder = /\{(instruction|input|output)\}/g

function fill(text: string, values: { instruction: string; input: string }): string {
  const lines = values.input === '' ? text.replace(/^\{input\}\n/m, '') : text
  return lines.replace(placeholder, (_m, name: 'instruction' | 'input' | 'output') =>
    name === 'output' ? '' : values[name]
  )
}

/** Checks a custom template: one `{output}`, at least `{instruction}`, nothing after `{output}` but fixed text. */
export function checkCustomTemplate(text: string | undefined): string {
  if (!text)
    throw new ServiceError('invalid_input', 'A custom template needs its text.', [
      { path: 'template.text', message: 'required' }
    ])
  const outputs = text.split('{output}').length - 1
  const fail = (message: string): never => {
    throw new ServiceError('invalid_input', `Custom template: ${message}`, [
      { path: 'template.text', message }
    ])
  }
  if (outputs !== 1) fail(`it must contain {output} exactly once (found ${outputs}); the answer goes there`)
  if (!text.includes('{instruction}')) fail('it must contain {instruction}')
  const after = text.slice(text.indexOf('{output}') + '{output}'.length)
  if (/\{(instruction|input)\}/.test(after)) fail('{instruction} and {input} must come before {output}')
  return text
}

interface Turn {
  prompt: string
  answerSuffix: string
}

function turnOf(template: TemplateSpec, instruction: string, input: string): Turn {
  let text: string
  if (template.name === 'raw') {
    return { prompt: input === '' ? instruction : `${instruction}\n${input}`, answerSuffix: '' }
  } else if (template.name === 'custom') {
    text = checkCustomTemplate(template.text)
  } else {
    const texts = templateTexts[template.name]
    text = input === '' ? texts.withoutInput : texts.withInput
  }
  const at = text.indexOf('{output}')
  return {
    prompt: fill(text.slice(0, at), { instruction, input }),
    answerSuffix: text.slice(at + '{output}'.length)
  }
}

function systemText(template: TemplateSpec, content: string): string {
  return template.name === 'chatml' ? `<|im_start|>system\n${content}<|im_end|>\n` : `${content}\n\n`
}

/** The pieces of one record as the model will see them; text records are the document and EOS. */
export function renderRecord(record: NormalizedRecord, template: TemplateSpec): Piece[] {
  if (record.kind === 'text') return [{ text: record.text, trained: true }, { eos: true }]
  const pieces: Piece[] = []
  const messages =
    record.kind === 'instruction'
      ? null
      : template.system && !record.messages.some((m) => m.role === 'system')
        ? [{ role: 'system' as const, content: template.system }, ...record.messages]
        : record.messages
  if (record.kind === 'instruction') {
    if (template.system) pieces.push({ text: systemText(template, template.system), trained: false })
    const turn = turnOf(template, record.instruction, record.input)
    pieces.push({ text: turn.prompt, trained: false })
    pieces.push({ text: record.output + turn.answerSuffix, trained: true }, { eos: true })
    return pieces
  }
  let pendingUser: string[] = []
  for (const m of messages ?? []) {
    if (m.role === 'system') pieces.push({ text: systemText(template, m.content), trained: false })
    else if (m.role === 'user') pendingUser.push(m.content)
    else {
      const turn = turnOf(template, pendingUser.join('\n'), '')
      pendingUser = []
      pieces.push({ text: turn.prompt, trained: false })
      pieces.push({ text: m.content + turn.answerSuffix, trained: true }, { eos: true })
    }
  }
  return pieces
}

/** The formatted text of a record, with `<|endoftext|>` where EOS goes (for previews). */
export function formattedText(pieces: Piece[], eosText: string): string {
  return pieces.map((p) => ('eos' in p ? eosText : p.text)).join('')
}

/** What chat needs to format a new user message the same way the model was trained. */
export function promptFor(template: TemplateSpec, userMessage: string): string {
  return turnOf(template, userMessage, '').prompt
}
