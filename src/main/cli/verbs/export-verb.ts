// `lora-studio export RUN_ID --format peft|merged --out DIR [--checkpoint STEP]`: a run's adapter as
// a PEFT folder, or merged into the base model as a plain Hugging Face folder.
import { join } from 'node:path'
import { ServiceError } from '../../../shared/errors'
import type { CliVerb } from '../cli-verb'
import { runIdArg } from './resume-verb'

export const exportVerb: CliVerb = {
  name: 'export',
  summary: "Export a run's adapter (PEFT folder) or the merged model (Hugging Face folder)",
  usage: 'lora-studio export RUN_ID --format peft|merged --out DIR [--checkpoint STEP] [--json]',
  options: { format: { type: 'string' }, out: { type: 'string' }, checkpoint: { type: 'string' } },
  positionals: true,
  async run({ values, positionals, json, io, openContext }) {
    const id = runIdArg(positionals, this.usage)
    const format = values.format
    if (format !== 'peft' && format !== 'merged')
      throw new ServiceError('invalid_input', '--format must be peft or merged')
    if (typeof values.out !== 'string') throw new ServiceError('invalid_input', '--out DIR is required')
    const context = await openContext()
    const run = await context.handlers.runs.get({ id })
    let adapterDir = run.adapterPath
    if (typeof values.checkpoint === 'string') {
      const step = Number(values.checkpoint)
      const cp = (await context.handlers.runs.checkpoints({ id })).find((c) => c.step === step)
      if (!cp) throw new ServiceError('not_found', `run ${id} has no checkpoint at step ${values.checkpoint}`)
      adapterDir = join(cp.path, 'adapter')
    } else if (adapterDir === null) {
      const last = (await context.handlers.runs.checkpoints({ id })).at(-1)
      if (!last) throw new ServiceError('conflict', `run ${id} has no adapter and no checkpoint yet`)
      adapterDir = join(last.path, 'adapter')
    }
    const out = await context.engine.call('exportAdapter', {
      baseModel: run.config.baseModel,
      adapterDir,
      format,
      outDir: values.out
    })
    if (json) io.out(JSON.stringify({ id, format, out: out.outDir, adapter: adapterDir }))
    else
      io.out(`exported ${format === 'peft' ? 'PEFT adapter' : 'merged model'} of run ${id} to ${out.outDir}`)
  }
}
