// `lora-studio resume RUN_ID [--checkpoint STEP]`: continues a stopped, failed or interrupted run
// exactly from its last (or the given) checkpoint and follows it to its end.
import { ServiceError } from '../../../shared/errors'
import type { CliVerb } from '../cli-verb'
import { followRun } from '../training/follow-run'
import { watchInterrupts } from '../training/interrupts'

export function runIdArg(positionals: string[], usage: string): number {
  const [id, ...rest] = positionals
  if (!id || rest.length > 0 || !/^\d+$/.test(id))
    throw new ServiceError('invalid_input', `give one run id (usage: ${usage})`)
  return Number(id)
}

export const resumeVerb: CliVerb = {
  name: 'resume',
  summary: 'Resume a stopped, failed or interrupted run from its last checkpoint (or --checkpoint STEP)',
  usage: 'lora-studio resume RUN_ID [--checkpoint STEP] [--json]',
  options: { checkpoint: { type: 'string' } },
  positionals: true,
  async run({ values, positionals, json, io, openContext }) {
    const id = runIdArg(positionals, this.usage)
    const cp = typeof values.checkpoint === 'string' ? Number(values.checkpoint) : undefined
    if (cp !== undefined && !Number.isInteger(cp))
      throw new ServiceError('invalid_input', '--checkpoint must be a step number')
    const context = await openContext()
    const interrupts = watchInterrupts(io)
    try {
      await context.handlers.runs.resume({ id, checkpointStep: cp })
      return await followRun(context, id, io, json, interrupts)
    } finally {
      interrupts.dispose()
    }
  }
}
