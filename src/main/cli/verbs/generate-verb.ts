// `lora-studio generate`: continue one prompt with a model and an optional adapter, as Python's
// `model.generate` does after `PeftModel.from_pretrained`: raw text in, no chat template unless asked.
import { ServiceError } from '../../../shared/errors'
import type { CliVerb } from '../cli-verb'
import { chatVerb } from './chat-verb'

const usage = `lora-studio generate --model NAME|DIR [--adapter DIR] --prompt TEXT [options]

Continues TEXT as written (template "raw"); --template formats it as a chat turn instead.
The sampling options are those of \`lora-studio chat\`:
${chatVerb.usage.split('\n').slice(2).join('\n')}`

export const generateVerb: CliVerb = {
  name: 'generate',
  summary: 'Continue one prompt with a model and an optional LoRA adapter (raw text, no chat template)',
  usage,
  options: chatVerb.options,
  async run(run) {
    if (typeof run.values.prompt !== 'string') {
      throw new ServiceError(
        'invalid_input',
        '--prompt is required: generate continues one prompt (use `lora-studio chat` for a conversation)'
      )
    }
    return chatVerb.run({ ...run, values: { template: 'raw', ...run.values } })
  }
}
