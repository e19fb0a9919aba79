// `lora-studio train-queue`: the seed's loop in one command — several datasets (or tokenized files)
// trained one after another, each run continuing from the previous run's adapter. Takes `train`'s
// flags for the first run; the later runs take their settings from the adapter they continue.
import { ServiceError } from '../../../shared/errors'
import type { CliVerb, VerbRun } from '../cli-verb'
import { registeredModelPath } from '../model-arg'
import { followQueue } from '../training/follow-queue'
import { watchInterrupts } from '../training/interrupts'
import { source, trainOptions, trainPatch } from '../training/train-flags'

const { data: _data, 'dry-run': _dryRun, 'init-adapter': _initAdapter, ...runFlags } = trainOptions

async function resumeQueue(
  value: string,
  json: boolean,
  io: VerbRun['io'],
  openContext: VerbRun['openContext']
): Promise<number> {
  const id = Number(value)
  if (!/^\d+$/.test(value.trim()) || id <= 0) {
    throw new ServiceError('invalid_input', `--resume takes a queue id (a whole number), got "${value}"`)
  }
  const context = await openContext()
  const interrupts = watchInterrupts(io)
  try {
    const queue = await context.handlers.queues.resume({ id })
    if (!json)
      io.err(`queue ${queue.id} "${queue.name}": resuming run ${queue.current + 1} of ${queue.items.length}`)
    return await followQueue(context, queue.id, io, json, interrupts)
  } finally {
    interrupts.dispose()
  }
}

export const trainQueueVerb: CliVerb = {
  name: 'train-queue',
  summary:
    "Train on several datasets in sequence, each run continuing from the previous run's adapter (Ctrl-C pauses)",
  usage: [
    'lora-studio train-queue --data DATASET_ID|FILE --data DATASET_ID|FILE [--data ...] --model NAME|DIR',
    '    [--continue-from RUN_ID] [--name S] [--json] [any other flag of `lora-studio train`]',
    "  --data, given twice or more, in order: run 2 continues run 1's adapter, run 3 run 2's, and so on.",
    '  The flags set the first run; later runs keep its settings (base model, LoRA, optimizer) on their own data.',
    '  Ctrl-C checkpoints the current run and pauses the queue.',
    'lora-studio train-queue --resume QUEUE_ID [--json]',
    '  Resumes a paused (or failed) queue: its run from the last checkpoint, then the rest.'
  ].join('\n'),
  options: { ...runFlags, data: { type: 'string', multiple: true }, resume: { type: 'string' } },
  async run({ values, json, io, openContext }) {
    if (typeof values.resume === 'string') return resumeQueue(values.resume, json, io, openContext)
    const data = Array.isArray(values.data) ? values.data.map(String) : []
    if (data.length < 2) {
      throw new ServiceError(
        'invalid_input',
        '--data is needed at least twice: the datasets (ids, see `lora-studio datasets`) or files to train in order'
      )
    }
    const { preset, name, continueFrom, patch } = trainPatch({ ...values, data: data[0] })
    const { data: _first, initAdapter, ...config } = patch
    if (initAdapter !== undefined) {
      throw new ServiceError(
        'invalid_input',
        'initAdapter (in --config): a queue starts from a fresh adapter or from a run; use --continue-from RUN_ID'
      )
    }
    const context = await openContext()
    const registered =
      config.baseModel === undefined ? null : registeredModelPath(context.store, config.baseModel)
    const interrupts = watchInterrupts(io)
    try {
      const queue = await context.handlers.queues.start({
        name,
        preset,
        continueFrom,
        items: data.map(source),
        config: registered === null ? config : { ...config, baseModel: registered }
      })
      if (!json) io.err(`queue ${queue.id} "${queue.name}": ${queue.items.length} runs`)
      return await followQueue(context, queue.id, io, json, interrupts)
    } finally {
      interrupts.dispose()
    }
  }
}
