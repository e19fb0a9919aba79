// `lora-studio chat`: talk to a model (a registered name or a folder) with an optional adapter from a
// terminal. With --prompt it answers once, streaming to stdout (--json prints the result object); with
// no --prompt on a terminal it is a REPL that keeps the conversation. Ctrl-C stops the answer.
import { createInterface } from 'node:readline/promises'
import type { AdapterRefInput, GenerationSettingsValues } from '../../../shared/chat'
import { GenerationSettings } from '../../../shared/chat'
import { TemplateName, type TemplateSpec } from '../../../shared/datasets'
import { ServiceError } from '../../../shared/errors'
import { issueWithLabel, wordsParse, zodIssues } from '../../../shared/issue-words'
import type { AppContext } from '../../app-context'
import { DEFAULT_TEMPLATE, type Answer } from '../../chat/chat-service'
import type { PastMessage } from '../../chat/chat-prompt'
import type { TargetSpec } from '../../chat/chat-targets'
import { flagOptions, type CliVerb, type VerbRun } from '../cli-verb'
import { modelArg } from '../model-arg'

/** Flag → settings field, for numbers. */
const numberFlags = {
  temperature: 'temperature',
  'top-k': 'topK',
  'top-p': 'topP',
  'repetition-penalty': 'repetitionPenalty',
  'max-new-tokens': 'maxNewTokens',
  seed: 'seed'
} as const

const usage = `lora-studio chat --model NAME|DIR [--adapter DIR] [--prompt TEXT] [options]

  --model NAME|DIR          a registered model's name, or an HF GPT-2 folder (with tokenizer files)
  --adapter DIR             a PEFT adapter folder, or a training checkpoint folder (step-N)
  --prompt TEXT             answer this once and exit; without it, on a terminal, chat until /exit
  --template NAME           human-assistant | alpaca | chatml | raw | model (the model's own chat_template)
                            (default: the adapter run's, else human-assistant)
  --system TEXT             system text put before the conversation
  --temperature T           0 to 5 (0: greedy; default 1)
  --greedy                  greedy decoding (same as --temperature 0)
  --top-k K                 0 to the vocabulary size (0: off; default 50)
  --top-p P                 (0, 1] (1: off; default 1)
  --repetition-penalty R    1 to 3 (1: off; default 1)
  --max-new-tokens N        1 to 2048 (default 128)
  --seed S                  sampling seed (default 0): the same seed gives the same answer
  --stop TEXT               stop before this text (repeat for up to 8)
  --json                    print the result object (text, new token ids, …) instead of streaming`

function flagOf(field: string): string {
  const number = Object.entries(numberFlags).find(([, f]) => f === field)?.[0]
  if (number) return `--${number}`
  return field === 'stopSequences' ? '--stop' : field
}

export function chatSettings(values: VerbRun['values']): GenerationSettingsValues {
  const raw: Record<string, unknown> = {}
  for (const [flag, field] of Object.entries(numberFlags)) {
    const v = values[flag]
    if (typeof v === 'string') raw[field] = Number(v)
  }
  if (values.greedy === true) raw.temperature = 0
  const stops = values.stop
  if (Array.isArray(stops)) raw.stopSequences = stops
  const parsed = GenerationSettings.safeParse(raw, wordsParse)
  if (!parsed.success) {
    const issues = zodIssues(parsed.error).map((i) => ({ ...i, path: flagOf(i.path) }))
    const text = issues.map((i) => issueWithLabel(i, i.path)).join('; ')
    throw new ServiceError('invalid_input', text, issues)
  }
  return parsed.data
}

function templateOf(values: VerbRun['values'], trained: TemplateSpec | null): TemplateSpec {
  const name = values.template
  const system = typeof values.system === 'string' ? values.system : undefined
  let template = trained ?? DEFAULT_TEMPLATE
  if (typeof name === 'string') {
    const parsed = TemplateName.safeParse(name)
    if (!parsed.success || parsed.data === 'custom') {
      throw new ServiceError(
        'invalid_input',
        `--template: "${name}" is not one of human-assistant, alpaca, chatml, raw, model`
      )
    }
    template = { name: parsed.data }
  }
  return system === undefined ? template : { ...template, system }
}

function targetOf(context: AppContext, values: VerbRun['values']): TargetSpec {
  const model = modelArg(context.store, values.model)
  const adapter: AdapterRefInput =
    typeof values.adapter === 'string' ? { kind: 'path', path: values.adapter } : { kind: 'none' }
  return model.modelId !== null ? { modelId: model.modelId, adapter } : { modelPath: model.path, adapter }
}

/** Stops the answer in progress on Ctrl-C: the text so far is kept (finishReason 'cancelled'). */
class AnswerStopper {
  private current: AbortController | null = null

  /** Aborts the answer in progress; false when none runs. */
  stop(): boolean {
    if (!this.current) return false
    this.current.abort()
    return true
  }

  async run<T>(task: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController()
    this.current = controller
    try {
      return await task(controller.signal)
    } finally {
      this.current = null
    }
  }
}

function footer(answer: Answer): string {
  const g = answer.generation
  const dropped = g.droppedTurns > 0 ? `, ${g.droppedTurns} oldest turn(s) left out to fit the context` : ''
  return `[${g.finishReason}: ${g.newTokens} tokens, ${g.tokensPerSecond.toFixed(1)} tokens/s${dropped}]`
}

export const chatVerb: CliVerb = {
  name: 'chat',
  summary: 'Chat with a model and an optional LoRA adapter (one --prompt, or a conversation on a terminal)',
  usage,
  options: {
    ...flagOptions(
      ['model', 'adapter', 'prompt', 'template', 'system', ...Object.keys(numberFlags)],
      ['greedy']
    ),
    stop: { type: 'string', multiple: true }
  },
  async run({ values, json, io, openContext }) {
    const options = chatSettings(values)
    const context = await openContext()
    const resolution = context.chat.resolve(targetOf(context, values))
    const template = templateOf(values, resolution.trainedTemplate)
    const past: PastMessage[] = []
    const stopper = new AnswerStopper()
    const ask = (content: string, write: ((text: string) => void) | null) =>
      stopper.run((signal) =>
        context.chat.answer({
          target: resolution.target,
          template,
          past,
          content,
          options,
          signal,
          onDelta: (delta) => write?.(delta)
        })
      )
    const stream = (text: string) => process.stdout.write(text)

    if (typeof values.prompt === 'string') {
      const onSigint = () => stopper.stop()
      process.on('SIGINT', onSigint)
      const answer = await ask(values.prompt, json ? null : stream).finally(() =>
        process.off('SIGINT', onSigint)
      )
      if (json) {
        io.out(
          JSON.stringify(
            { text: answer.text, ids: answer.ids, ...answer.generation, target: resolution.target, template },
            null,
            2
          )
        )
      } else {
        process.stdout.write('\n')
        io.err(footer(answer))
      }
      return
    }
    if (!process.stdin.isTTY) {
      throw new ServiceError(
        'invalid_input',
        'give --prompt TEXT, or run chat on a terminal for a conversation'
      )
    }
    io.err(
      `chatting with ${resolution.target.label} (template ${template.name}); /reset forgets, /exit or Ctrl-D quits`
    )
    const rl = createInterface({ input: process.stdin, output: process.stdout })
    const closed = new Promise<null>((resolve) => rl.once('close', () => resolve(null)))
    rl.on('SIGINT', () => {
      if (!stopper.stop()) rl.close()
    })
    try {
      for (;;) {
        const line = (await Promise.race([rl.question('you> ').catch(() => null), closed]))?.trim()
        if (line === undefined || line === '/exit') break
        if (line === '/reset') {
          past.length = 0
          continue
        }
        if (line === '') continue
        process.stdout.write('model> ')
        const answer = await ask(line, stream)
        process.stdout.write('\n')
        io.err(footer(answer))
        past.push({ role: 'user', content: line }, { role: 'assistant', content: answer.text })
      }
    } finally {
      rl.close()
    }
  }
}
