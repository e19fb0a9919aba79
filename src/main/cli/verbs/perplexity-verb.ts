// `lora-studio perplexity`: how well a model (with an optional adapter) predicts a text, as Hugging
// Face's perplexity guide measures it: mean negative log-likelihood per predicted token over sliding
// windows, and its exp. Ctrl-C cancels.
import { ServiceError } from '../../../shared/errors'
import type { PerplexitySourceInput } from '../../../shared/evaluation'
import type { AdapterRefInput } from '../../../shared/chat'
import { flagOptions, type CliVerb, type VerbRun } from '../cli-verb'
import { modelArg } from '../model-arg'

const usage = `lora-studio perplexity --model NAME|DIR [--adapter DIR] (--file F | --dataset ID) [options] [--json]

  --model NAME|DIR   a registered model's name, or an HF GPT-2 folder (with tokenizer files for text)
  --adapter DIR      a PEFT adapter folder or a checkpoint folder (step-N); without it, the base model
  --file F           a .txt or .md file, scored as one text; a .jsonl file is tokenized samples
                     ({"input_ids": [...], "labels": [...]} a line, labels -100 where not scored)
  --dataset ID       a dataset's validation split, formatted as training formats it (template, masks)
  --max-length N     tokens per window (default: the model's context, n_positions)
  --stride S         tokens between window starts, 1 to max length (default: half of max length)
  --batch-size N     windows per forward pass (default: 2048 tokens' worth)
  --run ID           keep the result with run ID (its Evaluate table)
  --json             print {"loss", "perplexity", "tokens", ...}`

function positiveInt(values: VerbRun['values'], flag: string): number | undefined {
  const v = values[flag]
  if (typeof v !== 'string') return undefined
  const n = Number(v)
  if (v.trim() === '' || !Number.isInteger(n) || n < 1) {
    throw new ServiceError('invalid_input', `--${flag} must be a whole number of at least 1, got "${v}"`)
  }
  return n
}

function sourceOf(values: VerbRun['values']): PerplexitySourceInput {
  const file = values.file
  const dataset = values.dataset
  if (typeof file === 'string' && typeof dataset === 'string') {
    throw new ServiceError('invalid_input', 'give either --file or --dataset, not both')
  }
  if (typeof file === 'string') return { kind: 'file', path: file }
  if (typeof dataset === 'string') {
    if (!/^\d+$/.test(dataset) || Number(dataset) < 1) {
      throw new ServiceError(
        'invalid_input',
        `--dataset must be a dataset id (lora-studio datasets lists them), got "${dataset}"`
      )
    }
    return { kind: 'dataset', id: Number(dataset) }
  }
  throw new ServiceError('invalid_input', '--file F or --dataset ID is required: what to score')
}

/** Field paths of the service's errors as the flags that set them. */
const flagOfField: Record<string, string> = {
  maxLength: '--max-length',
  stride: '--stride',
  'source.path': '--file',
  'source.id': '--dataset',
  'targets.0.adapter.path': '--adapter',
  'targets.0.modelPath': '--model',
  runId: '--run'
}

/** The service's error led by the flag that set its field (the field named by its issue, or its message's prefix). */
function inFlags(err: unknown): unknown {
  if (!(err instanceof ServiceError)) return err
  const fields = Object.keys(flagOfField)
  const field =
    fields.find((f) => err.message.startsWith(`${f}: `)) ?? fields.find((f) => err.issues?.[0]?.path === f)
  if (!field) return err
  const words = err.message.startsWith(`${field}: `) ? err.message.slice(field.length + 2) : err.message
  return new ServiceError(err.code, `${flagOfField[field]}: ${words}`, err.issues)
}

export const perplexityVerb: CliVerb = {
  name: 'perplexity',
  summary:
    "Perplexity of a model (and adapter) on a text file or a dataset's validation split (HF's sliding window)",
  usage,
  options: flagOptions(['model', 'adapter', 'file', 'dataset', 'max-length', 'stride', 'batch-size', 'run']),
  async run({ values, json, io, openContext }) {
    const source = sourceOf(values)
    const maxLength = positiveInt(values, 'max-length')
    const stride = positiveInt(values, 'stride')
    const batchSize = positiveInt(values, 'batch-size')
    const runId = positiveInt(values, 'run')
    const context = await openContext()
    const model = modelArg(context.store, values.model)
    const adapter: AdapterRefInput =
      typeof values.adapter === 'string' ? { kind: 'path', path: values.adapter } : { kind: 'none' }
    const target =
      model.modelId !== null ? { modelId: model.modelId, adapter } : { modelPath: model.path, adapter }
    let shownTenth = -1
    const stopListening = context.events.on('evaluate.progress', (p) => {
      const tenth = Math.floor((10 * p.windowsDone) / Math.max(1, p.windowsTotal))
      if (json || tenth === shownTenth) return
      shownTenth = tenth
      io.err(`scoring: ${p.windowsDone}/${p.windowsTotal} windows`)
    })
    const controller = new AbortController()
    const onSigint = () => controller.abort()
    process.on('SIGINT', onSigint)
    try {
      const report = await context.evaluation
        .perplexity({ targets: [target], source, maxLength, stride, batchSize, runId }, controller.signal)
        .catch((err: unknown) => {
          throw inFlags(err)
        })
      const row = report.rows[0]
      const scored =
        report.source.kind === 'dataset' ? `${report.sourceLabel} (validation)` : report.sourceLabel
      if (json) {
        io.out(
          JSON.stringify({
            loss: row.loss,
            perplexity: row.perplexity,
            tokens: row.tokens,
            maxLength: report.maxLength,
            stride: report.stride,
            texts: report.texts,
            windows: report.windows,
            model: row.target.modelPath,
            adapter: row.target.adapterPath,
            source: scored,
            evaluationId: report.id
          })
        )
      } else {
        io.out(`${row.target.label} on ${scored}`)
        io.out(
          `loss ${row.loss.toFixed(4)}  perplexity ${row.perplexity.toFixed(2)}  (${row.tokens} tokens predicted)`
        )
        io.err(
          `${report.windows} window${report.windows === 1 ? '' : 's'} of up to ${report.maxLength} tokens, stride ${report.stride}, ` +
            `${report.texts} text${report.texts === 1 ? '' : 's'}, ${(report.elapsedMs / 1000).toFixed(1)} s`
        )
      }
    } finally {
      process.off('SIGINT', onSigint)
      stopListening()
    }
  }
}
