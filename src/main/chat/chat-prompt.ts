// Formats a conversation the way training formatted chat records (templates.ts): the system text, then
// each earlier exchange as prompt + answer + end-of-text, then the new turn up to where the answer
// begins. The engine drops the oldest exchanges when they do not fit the model's context. With the model's
// own chat template the whole conversation is rendered once and cut after each answer's end-of-turn token.
import type { TemplateSpec } from '../../shared/datasets'
import type { GeneratePrompt, PromptPiece } from '../../shared/generation-protocol'
import { ServiceError } from '../../shared/errors'
import {
  ChatTemplateError,
  readModelChatTemplate,
  type ChatMessage,
  type ModelChatTemplate
} from '../datasets/model-chat-template'
import {
  checkCustomTemplate,
  noModelTemplate,
  promptFor,
  renderRecord,
  templateTexts,
  type Piece
} from '../datasets/templates'

export interface PastMessage {
  role: 'system' | 'user' | 'assistant'
  content: string
}

function toPromptPieces(pieces: Piece[]): PromptPiece[] {
  return pieces.map((p) => ('eos' in p ? { eos: true } : { text: p.text }))
}

/** Earlier exchanges as (question, answer), leaving out those whose answer is empty with their question. */
function exchanges(past: readonly PastMessage[]): Array<{ question: string; answer: string }> {
  const out: Array<{ question: string; answer: string }> = []
  let questions: string[] = []
  for (const m of past) {
    if (m.role === 'user') questions.push(m.content)
    else if (m.role === 'assistant') {
      if (m.content !== '' && questions.length > 0)
        out.push({ question: questions.join('\n'), answer: m.content })
      questions = []
    }
  }
  return out
}

/** The prompt rendered by the model's own template, cut into system/BOS, one piece per exchange, and the new turn. */
function modelTemplatePrompt(
  template: TemplateSpec,
  past: readonly PastMessage[],
  content: string,
  chat: ModelChatTemplate
): GeneratePrompt {
  const system: ChatMessage[] = template.system ? [{ role: 'system', content: template.system }] : []
  const messages: ChatMessage[] = [...system]
  for (const e of exchanges(past)) {
    messages.push({ role: 'user', content: e.question }, { role: 'assistant', content: e.answer })
  }
  messages.push({ role: 'user', content })
  const { text, assistantSpans } = chat.renderWithSpans(messages, { addGenerationPrompt: true })
  const systemText = system.length > 0 ? chat.render(system) : ''
  const bos = chat.tokens.bosToken
  const prefixEnd =
    systemText !== '' &&
    text.startsWith(systemText) &&
    systemText.length <= (assistantSpans[0]?.start ?? text.length)
      ? systemText.length
      : bos !== '' && text.startsWith(bos)
        ? bos.length
        : 0
  const history: PromptPiece[][] = []
  let at = prefixEnd
  for (const span of assistantSpans) {
    history.push([{ text: text.slice(at, span.end) }])
    at = span.end
  }
  return {
    prefix: prefixEnd > 0 ? [{ text: text.slice(0, prefixEnd) }] : [],
    history,
    current: [{ text: text.slice(at) }]
  }
}

/**
 * The prompt for `content` after `past` messages. Exchanges whose answer is empty (failed, or cancelled
 * before any text) are left out with their question. `chat` is the model's own template (template "model").
 */
export function buildChatPrompt(
  template: TemplateSpec,
  past: readonly PastMessage[],
  content: string,
  chat?: ModelChatTemplate | null
): GeneratePrompt {
  if (template.name === 'model') {
    if (!chat) throw noModelTemplate()
    return modelTemplatePrompt(template, past, content, chat)
  }
  const turnTemplate: TemplateSpec = { ...template, system: undefined }
  const prefix = template.system
    ? toPromptPieces(
        renderRecord({ kind: 'chat', messages: [{ role: 'system', content: template.system }] }, template)
      )
    : []
  const history = exchanges(past).map((e) =>
    toPromptPieces(
      renderRecord(
        {
          kind: 'chat',
          messages: [
            { role: 'user', content: e.question },
            { role: 'assistant', content: e.answer }
          ]
        },
        turnTemplate
      )
    )
  )
  return { prefix, history, current: [{ text: promptFor(turnTemplate, content) }] }
}

/**
 * Text that starts the next turn in this template (`Human:`, `### Instruction:`, `<|im_end|>`; the model's
 * own template: its end-of-turn token): a model that goes on past its answer writes it, so chat stops
 * there. Raw text has none.
 */
export function nextTurnStops(template: TemplateSpec, chat?: ModelChatTemplate | null): string[] {
  if (template.name === 'raw') return []
  if (template.name === 'model') {
    const end = chat?.turnEnd()
    return end ? [end] : []
  }
  const text =
    template.name === 'custom'
      ? checkCustomTemplate(template.text)
      : templateTexts[template.name].withoutInput
  const before = text.slice(0, text.indexOf('{instruction}'))
  const marker = before
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .at(-1)
  const stops = template.name === 'chatml' ? ['<|im_end|>'] : []
  if (marker) stops.push(`\n${marker}`)
  return stops
}

/** The model folder's own chat template, for the template "model"; a clear error when it has none. */
export async function modelChatTemplate(modelPath: string): Promise<ModelChatTemplate> {
  let chat: ModelChatTemplate | null
  try {
    chat = await readModelChatTemplate(modelPath)
  } catch (err) {
    if (err instanceof ChatTemplateError)
      throw new ServiceError('invalid_input', `Model's chat template: ${err.message}`)
    throw err
  }
  if (!chat) throw noModelTemplate()
  return chat
}
