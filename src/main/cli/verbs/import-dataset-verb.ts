// `lora-studio import-dataset PATH...`: imports files or folders as a dataset through the same service
// as the app, prints the validation report (every problem with its file and line) and the token
// statistics, and fails (exit 1, nothing saved) when no record is valid or it is interrupted.
import type { DatasetDetail } from '../../../shared/datasets'
import type { CliVerb, VerbRun } from '../cli-verb'
import { registeredModelId } from '../model-arg'
import { importOptions, importRequest, importUsage } from './dataset-import-flags'
import { datasetText } from './dataset-text'

/** Shows a dataset: its full detail as JSON with --json, else the report and statistics as text. */
export function printDataset(run: VerbRun, d: DatasetDetail): void {
  run.io.out(run.json ? JSON.stringify(d, null, 2) : datasetText(d))
}

export async function importDataset(run: VerbRun, paths: string[]): Promise<void> {
  const flags = importRequest(paths, run.values)
  const context = await run.openContext()
  const model = run.values.model
  const request = model === undefined ? flags : { ...flags, modelId: registeredModelId(context.store, model) }
  let phase = ''
  let file: string | null = null
  const stop = context.events.on('dataset.importProgress', (e) => {
    if (run.json || e.name !== request.name || (e.phase === phase && e.file === file)) return
    if (e.phase === 'reading' && e.file !== null && e.file !== file) run.io.err(`reading ${e.file}…`)
    if (e.phase === 'writing') run.io.err(`writing ${e.records.toLocaleString('en-US')} records…`)
    phase = e.phase
    file = e.file ?? file
  })
  // Ctrl+C or SIGTERM cancels the import: it removes its spool file and unfinished dataset, then the
  // command fails with "cancelled; nothing was saved" (exit 1). A repeated signal waits for that.
  let stopping = false
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) return
    stopping = true
    run.io.err(`${signal}: stopping the import…`)
    void context.close()
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  try {
    printDataset(run, await context.handlers.datasets.import(request))
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    stop()
  }
}

export const importDatasetVerb: CliVerb = {
  name: 'import-dataset',
  summary: 'Import files or folders as a dataset; prints the validation report and token statistics',
  usage: `lora-studio import-dataset ${importUsage}`,
  options: importOptions,
  positionals: true,
  run: (run) => importDataset(run, run.positionals)
}
