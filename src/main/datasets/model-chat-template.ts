// A model's own chat template (Jinja, from tokenizer_config.json's `chat_template` or chat_template.jinja),
// rendered with @huggingface/jinja as transformers' apply_chat_template does, plus where each assistant
// turn's answer lies in the text: from the answer's first character through the end-of-turn token
// (`<|im_end|>`, `<|eot_id|>`), so the dataset pipeline trains on exactly that and masks the rest.
// Spans come from rendering prefixes of the conversation (messages[:i] with the generation prompt is
// where answer i begins), so they work for any template that renders a conversation left to right.
import { existsSync, readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Template } from '@huggingface/jinja'

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant'
  content: string
}

export interface RenderOptions {
  /** End with what starts the assistant's answer (`<|im_start|>assistant\n`), for generation. */
  addGenerationPrompt?: boolean
  /**
   * Qwen3's `enable_thinking` (default false: fine-tuned answers carry no reasoning, so the generation
   * prompt ends with the empty think block, as training rendered the last answer).
   */
  enableThinking?: boolean
}

/** Characters [start, end) of one assistant answer and its end-of-turn token in the rendered text. */
export interface TextSpan {
  start: number
  end: number
  /** Whether an end-of-turn token closes the answer (else the caller adds the end-of-text token). */
  closed: boolean
}

export interface RenderedConversation {
  text: string
  /** One per assistant message, in order. */
  assistantSpans: TextSpan[]
}

/** The template cannot be read or rendered; the message names the file or says what went wrong. */
export class ChatTemplateError extends Error {}

export interface ChatTemplateTokens {
  bosToken: string
  eosToken: string
  /** Special tokens that may close a turn; the first one after an answer ends its span. */
  endTokens: string[]
}

export class ModelChatTemplate {
  private readonly template: Template

  constructor(
    readonly source: string,
    readonly tokens: ChatTemplateTokens
  ) {
    try {
      this.template = new Template(source)
    } catch (err) {
      throw new ChatTemplateError(`the chat template does not parse: ${(err as Error).message}`)
    }
  }

  /** The conversation as the model sees it (transformers' apply_chat_template with tokenize=False). */
  render(messages: readonly ChatMessage[], options: RenderOptions = {}): string {
    try {
      return this.template.render({
        messages: messages.map((m) => ({ role: m.role, content: m.content })),
        add_generation_prompt: options.addGenerationPrompt === true,
        enable_thinking: options.enableThinking === true,
        bos_token: this.tokens.bosToken,
        eos_token: this.tokens.eosToken
      })
    } catch (err) {
      // the template's own raise_exception (jinja provides it) lands here too
      throw new ChatTemplateError(`the chat template failed to render: ${(err as Error).message}`)
    }
  }

  /** The rendered conversation and, for each assistant message, the span of its answer + end token. */
  renderWithSpans(messages: readonly ChatMessage[], options: RenderOptions = {}): RenderedConversation {
    const text = this.render(messages, options)
    const assistantSpans: TextSpan[] = []
    let searchFrom = 0
    messages.forEach((m, i) => {
      if (m.role !== 'assistant') return
      // where answer i begins: the conversation before it with the generation prompt (without the
      // empty think block, which Qwen3 writes only before the last answer), else without the prompt
      const prefixes = [
        this.render(messages.slice(0, i), { addGenerationPrompt: true, enableThinking: true }),
        this.render(messages.slice(0, i))
      ]
      const before = prefixes.find((p) => text.startsWith(p) && p.length >= searchFrom)
      if (before === undefined) {
        throw new ChatTemplateError(
          `the chat template renders the conversation before answer ${assistantSpans.length + 1} differently ` +
            'from the whole conversation, so the answer cannot be found; use another template'
        )
      }
      const span = this.answerSpan(text, before.length, m.content)
      assistantSpans.push(span)
      searchFrom = span.end
    })
    return { text, assistantSpans }
  }

  /** The text that closes an answer in this template (`<|im_end|>`, `<|eot_id|>`), or null when none does. */
  turnEnd(): string | null {
    const answer = 'Hello'
    const { text, assistantSpans } = this.renderWithSpans([
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: answer }
    ])
    const span = assistantSpans[0]
    return span.closed ? text.slice(span.start + answer.length, span.end).trim() : null
  }

  private answerSpan(text: string, from: number, content: string): TextSpan {
    const trimmed = content.trim()
    const at = trimmed === '' ? from : text.indexOf(trimmed, from)
    if (at < 0) {
      throw new ChatTemplateError(
        `the chat template does not write the assistant's answer ${JSON.stringify(trimmed.slice(0, 40))} as given`
      )
    }
    const afterContent = at + trimmed.length
    let end = -1
    for (const token of this.tokens.endTokens) {
      const found = text.indexOf(token, afterContent)
      if (found >= 0 && (end < 0 || found + token.length < end)) end = found + token.length
    }
    return { start: at, end: end < 0 ? afterContent : end, closed: end >= 0 }
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function tokenContent(value: unknown): string | undefined {
  if (typeof value === 'string') return value
  if (isRecord(value) && typeof value.content === 'string') return value.content
  return undefined
}

/** `chat_template` as a string or a named list (`[{ name: "default", template }]`): the default one. */
function templateSource(file: string, raw: unknown): string | null {
  if (raw === undefined || raw === null) return null
  if (typeof raw === 'string') return raw
  if (Array.isArray(raw)) {
    const named = raw.filter(
      (t): t is { name: string; template: string } =>
        isRecord(t) && typeof t.name === 'string' && typeof t.template === 'string'
    )
    const chosen = named.find((t) => t.name === 'default') ?? named[0]
    if (chosen) return chosen.template
  }
  throw new ChatTemplateError(`${file}: chat_template is neither a string nor a list of { name, template }`)
}

/** The template and tokens described by a parsed tokenizer_config.json (`file` names it in errors). */
export function chatTemplateFromConfig(
  file: string,
  config: unknown,
  jinjaFile?: string
): ModelChatTemplate | null {
  if (!isRecord(config)) throw new ChatTemplateError(`${file} is not a JSON object`)
  const source = jinjaFile ?? templateSource(file, config.chat_template)
  if (source === null || source.trim() === '') return null
  const eosToken = tokenContent(config.eos_token) ?? ''
  const endTokens = new Set<string>()
  if (isRecord(config.added_tokens_decoder)) {
    for (const token of Object.values(config.added_tokens_decoder)) {
      const content = tokenContent(token)
      if (content && isRecord(token) && token.special === true) endTokens.add(content)
    }
  }
  if (eosToken) endTokens.add(eosToken)
  const bosToken = tokenContent(config.bos_token) ?? ''
  endTokens.delete(bosToken)
  return new ModelChatTemplate(source, { bosToken, eosToken, endTokens: [...endTokens] })
}

/** The chat template of a model folder, or null when it has none. */
export async function readModelChatTemplate(dir: string): Promise<ModelChatTemplate | null> {
  const configFile = join(dir, 'tokenizer_config.json')
  if (!existsSync(configFile)) return null
  let config: unknown
  try {
    config = JSON.parse(await readFile(configFile, 'utf8'))
  } catch (err) {
    throw new ChatTemplateError(`${configFile} cannot be read as JSON: ${(err as Error).message}`)
  }
  const jinjaFile = join(dir, 'chat_template.jinja')
  const jinja = existsSync(jinjaFile) ? await readFile(jinjaFile, 'utf8') : undefined
  return chatTemplateFromConfig(configFile, config, jinja)
}

/** Whether a model folder has a chat template (for listing models; an unreadable config counts as none). */
export function hasChatTemplate(dir: string): boolean {
  if (existsSync(join(dir, 'chat_template.jinja'))) return true
  const configFile = join(dir, 'tokenizer_config.json')
  if (!existsSync(configFile)) return false
  try {
    const config: unknown = JSON.parse(readFileSync(configFile, 'utf8'))
    return chatTemplateFromConfig(configFile, config) !== null
  } catch {
    return false
  }
}
