// `lora-studio import DIR [--name NAME]`: copies a Hugging Face GPT-2 model folder (config.json +
// model.safetensors, tokenizer files) into the data folder and registers it, after checking it loads.
import { ServiceError } from '../../../shared/errors'
import type { CliVerb } from '../cli-verb'
import { callModels, modelLine } from './models-verb'

export const importVerb: CliVerb = {
  name: 'import',
  summary: 'Import a model folder (config.json + model.safetensors) into the data folder',
  usage: 'lora-studio import DIR [--name NAME] [--json]',
  options: { name: { type: 'string' } },
  positionals: true,
  async run({ values, positionals, json, io, openContext }) {
    const [path, extra] = positionals
    if (!path || extra !== undefined)
      throw new ServiceError('invalid_input', `give one folder: ${this.usage}`)
    const context = await openContext()
    const model = await callModels(context, 'importFolder', {
      path,
      name: typeof values.name === 'string' ? values.name : undefined
    })
    if (json) io.out(JSON.stringify(model, null, 2))
    else io.out(`imported ${path} as ${model.name} at ${model.path}\n${modelLine(model)}`)
  }
}
