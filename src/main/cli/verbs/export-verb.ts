// `lora-studio export RUN_ID --format peft|merged --out DIR [--checkpoint STEP] [--overwrite]
// [--no-register]`: a run's adapter as a PEFT folder, or merged into the base model as a plain Hugging
// Face folder, registered as a model unless --no-register. DIR must be new or empty; --overwrite replaces
// an earlier export there (never a folder holding anything else).
import { resolve } from 'node:path'
import { ServiceError } from '../../../shared/errors'
import { flagOptions, type CliVerb } from '../cli-verb'
import { runIdArg } from './resume-verb'

export const exportVerb: CliVerb = {
  name: 'export',
  summary: "Export a run's adapter (PEFT folder) or the merged model (Hugging Face folder)",
  usage:
    'lora-studio export RUN_ID --format peft|merged --out DIR [--checkpoint STEP] [--overwrite] [--register|--no-register] [--json]',
  options: flagOptions(['format', 'out', 'checkpoint'], ['overwrite', 'register', 'no-register']),
  positionals: true,
  async run({ values, positionals, json, io, openContext }) {
    const id = runIdArg(positionals, this.usage)
    const format = values.format
    if (format !== 'peft' && format !== 'merged')
      throw new ServiceError('invalid_input', '--format must be peft or merged')
    if (typeof values.out !== 'string') throw new ServiceError('invalid_input', '--out DIR is required')
    const context = await openContext()
    const step = typeof values.checkpoint === 'string' ? Number(values.checkpoint) : undefined
    if (step !== undefined && !Number.isInteger(step))
      throw new ServiceError('invalid_input', '--checkpoint must be a step number')
    const out = await context.handlers.runs.export({
      id,
      checkpointStep: step,
      format,
      outDir: resolve(values.out),
      overwrite: values.overwrite === true,
      register: values['no-register'] !== true
    })
    if (json) io.out(JSON.stringify({ id, format, out: out.outDir, model: out.model }))
    else {
      io.out(`exported ${format === 'peft' ? 'PEFT adapter' : 'merged model'} of run ${id} to ${out.outDir}`)
      if (out.model)
        io.out(`registered as model "${out.model.name}" (chat or train with --model ${out.model.name})`)
    }
  }
}
