// `lora-studio datasets [list | show ID | delete ID | add-sample KIND | import PATH...]`: the stored
// datasets from the command line, over the same service as the app's Datasets page.
import { SampleKind } from '../../../shared/datasets'
import type { CliIo, CliVerb, VerbRun } from '../cli-verb'
import { importOptions, importUsage } from './dataset-import-flags'
import { summaryLine } from './dataset-text'
import { importDataset, printDataset } from './import-dataset-verb'

/** Exit code of a wrong command line, as run-cli uses it. */
const USAGE_EXIT = 2

const usage = [
  'lora-studio datasets [list] [--json]',
  '       lora-studio datasets show ID [--json]',
  '       lora-studio datasets delete ID',
  `       lora-studio datasets add-sample ${SampleKind.options.join('|')} [--name N] [--json]`,
  `       lora-studio datasets import ${importUsage}`
].join('\n')

function usageError(io: CliIo, message: string): number {
  io.err(`lora-studio: ${message} (usage: ${usage.split('\n')[0]} …; see lora-studio datasets --help)`)
  return USAGE_EXIT
}

function datasetId(arg: string | undefined): number | null {
  return arg !== undefined && /^[1-9]\d*$/.test(arg) ? Number(arg) : null
}

async function list(run: VerbRun): Promise<void> {
  const context = await run.openContext()
  const all = await context.handlers.datasets.list({})
  if (run.json) run.io.out(JSON.stringify(all, null, 2))
  else if (all.length === 0) run.io.out('no datasets yet; import one with lora-studio import-dataset PATH')
  else all.forEach((d) => run.io.out(summaryLine(d)))
}

export const datasetsVerb: CliVerb = {
  name: 'datasets',
  summary: 'List, show (report and statistics), delete, import datasets, or add the CWE sample dataset',
  usage,
  options: importOptions,
  positionals: true,
  async run(run) {
    const [sub = 'list', ...args] = run.positionals
    if (sub === 'import') {
      await importDataset(run, args)
      return
    }
    const importFlags = Object.keys(run.values).filter(
      (k) => k in importOptions && run.values[k] !== undefined && !(sub === 'add-sample' && k === 'name')
    )
    if (importFlags.length)
      return usageError(run.io, `datasets ${sub} takes no --${importFlags.join(', --')}`)
    if (sub === 'list') {
      if (args.length) return usageError(run.io, `datasets list takes no arguments, got "${args.join(' ')}"`)
      await list(run)
      return
    }
    if (sub === 'add-sample') {
      const kind = SampleKind.safeParse(args[0])
      if (!kind.success || args.length !== 1) {
        return usageError(run.io, `datasets add-sample takes one of ${SampleKind.options.join(', ')}`)
      }
      const context = await run.openContext()
      const name = typeof run.values.name === 'string' ? run.values.name : undefined
      printDataset(run, await context.handlers.datasets.addSample({ kind: kind.data, name }))
      return
    }
    if (sub !== 'show' && sub !== 'delete') {
      return usageError(
        run.io,
        `unknown datasets command "${sub}"; use list, show, delete, add-sample or import`
      )
    }
    const id = datasetId(args[0])
    if (id === null || args.length !== 1)
      return usageError(run.io, `datasets ${sub} takes one dataset id (a number)`)
    const context = await run.openContext()
    const dataset = await context.handlers.datasets.get({ id })
    if (sub === 'show') {
      printDataset(run, dataset)
      return
    }
    await context.handlers.datasets.delete({ id })
    if (run.json) run.io.out(JSON.stringify({ deleted: true, id }))
    else
      run.io.out(
        `deleted dataset ${id} "${dataset.name}" and its ${dataset.recordCount.toLocaleString('en-US')} records`
      )
  }
}
