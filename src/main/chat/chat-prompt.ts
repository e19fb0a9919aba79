// Formats a conversation the way training formatted chat records (templates.ts): the system text, then
// each earlier exchange as prompt + answer + end-of-text, then the new turn up to where the answer
// begins. The engine drops the oldest exchanges when they do not fit the model's context.
import type { TemplateSpec } from '../../shared/datasets'
import type { GeneratePrompt, PromptPiece } from '../../shared/generation-protocol'
import {
  checkCustomTemplate,
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

/**
 * The prompt for `content` after `past` messages. Exchanges whose answer is empty (failed, or cancelled
 * before any text) are left out with their question.
 */
export function buildChatPrompt(
  template: TemplateSpec,
  past: readonly PastMessage[],
  content: string
): GeneratePrompt {
  const turnTemplate: TemplateSpec = { ...template, system: undefined }
  const prefix = template.system
    ? toPromptPieces(
        renderRecord({ kind: 'chat', messages: [{ role: 'system', content: template.system }] }, template)
      )
    : []
  const history: PromptPiece[][] = []
  let questions: string[] = []
  for (const m of past) {
    if (m.role === 'user') questions.push(m.content)
    else if (m.role === 'assistant') {
      if (m.content !== '' && questions.length > 0) {
        const exchange = renderRecord(
          {
            kind: 'chat',
            messages: [
              { role: 'user', content: questions.join('\n') },
              { role: 'assistant', content: m.content }
            ]
          },
          turnTemplate
        )
        history.push(toPromptPieces(exchange))
      }
      questions = []
    }
  }
  return { prefix, history, current: [{ text: promptFor(turnTemplate, content) }] }
}

/**
 * Text that starts the next turn in this template (`Human:`, `### Instruction:`, `<|im_end|>`): a model
 * that goes on past its answer writes it, so chat stops there. Raw text has none.
 */
export function nextTurnStops(template: TemplateSpec): string[] {
  if (template.name === 'raw') return []
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
