// Prompt templates: how an instruction record or a chat turn becomes text, split into the prompt
// (masked from the loss unless "train on prompt") and the answer (trained, then EOS). The default is
// the user's own `Human: {instruction}\n{input}\n\nAssistant: `; with an empty input the `{input}`
// line is dropped, giving `Human: {instruction}\n\nAssistant: ` as their Python script did.
// "model" renders the conversation with the model's own chat template (model-chat-template.ts).
import type { NormalizedRecord, TemplateKind, TemplateSpec } from '../../shared/datasets'
import { ServiceError } from '../../shared/errors'
import { ChatTemplateError, type ChatMessage, type ModelChatTemplate } from './model-chat-template'

/** One stretch of the formatted sample; `eos` marks where the end-of-text token goes. */
export type Piece = { text: string; trained: boolean } | { eos: true }

export const templateTexts: Record<
  Exclude<TemplateKind, 'custom' | 'raw' | 'model'>,
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
  if (template.name === 'model') throw noModelTemplate()
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

/** The template "model" asked for where the model has no chat template (or none was given). */
export function noModelTemplate(): ServiceError {
  return new ServiceError(
    'invalid_input',
    'The template "the model\'s own" needs a model whose tokenizer_config.json has a chat_template; ' +
      'choose such a model, or another template.',
    [{ path: 'template.name', message: 'the model has no chat template' }]
  )
}

/** A record as chat messages for a model's own template (`template.system` first when it has none). */
export function recordMessages(
  record: Exclude<NormalizedRecord, { kind: 'text' }>,
  template: TemplateSpec
): ChatMessage[] {
  const messages: ChatMessage[] =
    record.kind === 'instruction'
      ? [
          {
            role: 'user',
            content: record.input === '' ? record.instruction : `${record.instruction}\n${record.input}`
          },
          { role: 'assistant', content: record.output }
        ]
      : record.messages.map((m) => ({ role: m.role, content: m.content }))
  return template.system && !messages.some((m) => m.role === 'system')
    ? [{ role: 'system', content: template.system }, ...messages]
    : messages
}

/** Pieces of a text rendered by a model's template: each answer + end-of-turn token trained, the rest not. */
export function chatTemplatePieces(messages: readonly ChatMessage[], chat: ModelChatTemplate): Piece[] {
  let rendered
  try {
    rendered = chat.renderWithSpans(messages)
  } catch (err) {
    if (err instanceof ChatTemplateError)
      throw new ServiceError('invalid_input', `Model's chat template: ${err.message}`)
    throw err
  }
  const { text, assistantSpans } = rendered
  const pieces: Piece[] = []
  const push = (from: number, to: number, trained: boolean): void => {
    if (to > from) pieces.push({ text: text.slice(from, to), trained })
  }
  let at = 0
  for (const span of assistantSpans) {
    push(at, span.start, false)
    push(span.start, span.end, true)
    if (!span.closed) pieces.push({ eos: true })
    at = span.end
  }
  push(at, text.length, false)
  return pieces
}

/**
 * The pieces of one record as the model will see them; text records are the document and EOS.
 * `chat` is the model's own template, needed for the template "model".
 */
export function renderRecord(
  record: NormalizedRecord,
  template: TemplateSpec,
  chat?: ModelChatTemplate | null
): Piece[] {
  if (record.kind === 'text') return [{ text: record.text, trained: true }, { eos: true }]
  if (template.name === 'model') {
    if (!chat) throw noModelTemplate()
    return chatTemplatePieces(recordMessages(record, template), chat)
  }
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
