// The `train` verb's flags (one per run-config field, names fixed by the issue so scripts can rely
// on them) and their translation into a run-config patch, with errors that name the flag.
import { readFileSync } from 'node:fs'
import { ServiceError } from '../../../shared/errors'
import { issueWithLabel, wordsParse, zodIssues } from '../../../shared/issue-words'
import { presetNames, RunConfigPatch, type PresetName, type RunConfigPatchValues } from '../../../shared/runs'
import { flagOptions, type VerbOptions, type VerbRun } from '../cli-verb'

export const trainOptions = flagOptions(
  [
    'model',
    'data',
    'preset',
    'config',
    'name',
    'max-steps',
    'epochs',
    'batch-size',
    'gradient-accumulation',
    'lr',
    'schedule',
    'warmup-steps',
    'warmup-ratio',
    'weight-decay',
    'max-grad-norm',
    'adam-beta1',
    'adam-beta2',
    'adam-epsilon',
    'r',
    'alpha',
    'dropout',
    'targets',
    'max-length',
    'template',
    'validation',
    'validation-split',
    'save-every',
    'eval-every',
    'keep-last',
    'seed',
    'init-adapter',
    'workers',
    'continue-from'
  ],
  ['rslora', 'packing', 'no-packing', 'gradient-checkpointing', 'no-gradient-checkpointing', 'dry-run']
) satisfies VerbOptions

export const trainUsage = [
  'lora-studio train --model NAME|DIR --data FILE|DATASET_ID [--preset NAME] [--config FILE] [--name S] [--json]',
  '    [--max-steps N] [--epochs N] [--batch-size N] [--gradient-accumulation N] [--lr X]',
  '    [--schedule constant|linear|cosine] [--warmup-steps N] [--warmup-ratio X] [--weight-decay X]',
  '    [--max-grad-norm X] [--adam-beta1 X] [--adam-beta2 X] [--adam-epsilon X]',
  '    [--r N] [--alpha N] [--dropout X] [--targets a,b] [--rslora] [--max-length N] [--packing|--no-packing]',
  '    [--template NAME] [--validation FILE|DATASET_ID | --validation-split X]',
  '    [--save-every N] [--eval-every N] [--keep-last N] [--seed N] [--init-adapter DIR | --continue-from RUN_ID[:STEP]] [--dry-run]',
  '    [--workers N|auto]  engine workers training in parallel (1-64; auto: one per CPU core); same losses',
  '    [--gradient-checkpointing|--no-gradient-checkpointing]  recompute layers in the backward pass: far less memory, slower steps; same losses',
  `  presets: ${presetNames.join(', ')}. --data FILE is tokenized JSONL: {"input_ids": [...], "labels": [...]} a line.`
].join('\n')

type Values = VerbRun['values']

function str(values: Values, flag: string): string | undefined {
  const v = values[flag]
  return typeof v === 'string' ? v : undefined
}

function num(values: Values, flag: string): number | undefined {
  const v = str(values, flag)
  if (v === undefined) return undefined
  const n = Number(v)
  if (v.trim() === '' || !Number.isFinite(n)) {
    throw new ServiceError('invalid_input', `--${flag} must be a number, got "${v}"`)
  }
  return n
}

/** --workers: a whole number of engine workers (1-64), or `auto` (null) for one per CPU core. */
function workers(values: Values): number | null | undefined {
  const v = str(values, 'workers')
  if (v === undefined) return undefined
  if (v.trim().toLowerCase() === 'auto') return null
  const n = Number(v)
  if (v.trim() === '' || !Number.isInteger(n) || n < 1 || n > 64) {
    throw new ServiceError(
      'invalid_input',
      `--workers must be a whole number from 1 to 64 or auto, got "${v}"`
    )
  }
  return n
}

/** A dataset id (digits) or a file path. */
export function source(value: string): { kind: 'dataset'; id: number } | { kind: 'file'; path: string } {
  return /^\d+$/.test(value) ? { kind: 'dataset', id: Number(value) } : { kind: 'file', path: value }
}

function drop<T extends object>(obj: T): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as Partial<T>
}

/** `--continue-from RUN_ID` (its final adapter) or `RUN_ID:STEP` (its checkpoint at STEP). */
function continueFlag(values: Values): { continueFrom?: number; continueFromStep?: number } {
  const v = str(values, 'continue-from')
  if (v === undefined) return {}
  const m = /^\s*(\d+)\s*(?::\s*(\d+)\s*)?$/.exec(v)
  if (!m || Number(m[1]) <= 0) {
    throw new ServiceError(
      'invalid_input',
      `--continue-from must be a run id, or RUN_ID:STEP for one of its checkpoints (e.g. 3 or 3:500); got "${v}"`
    )
  }
  return { continueFrom: Number(m[1]), continueFromStep: m[2] === undefined ? undefined : Number(m[2]) }
}

/** Fields whose flag is not their name in kebab case. */
const flagNames: Record<string, string> = {
  baseModel: 'model',
  learningRate: 'lr',
  targetModules: 'targets',
  rsLora: 'rslora',
  'validation.ratio': 'validation-split'
}

/** The flag that sets a run-config field (`lora.targetModules.0` → --targets). */
function flagOfField(path: string): string {
  const field = path.split('.').filter((p) => !/^\d+$/.test(p))
  const last = field.at(-1) ?? path
  const parent = field.at(0)
  const own = flagNames[`${parent}.${last}`]
  if (own) return `--${own}`
  const name = parent === 'validation' || parent === 'data' ? parent : last
  return `--${flagNames[name] ?? name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`
}

/** --config FILE first, then every flag given; the result is checked field by field. */
export function trainPatch(values: Values): {
  preset: PresetName | undefined
  name: string | undefined
  continueFrom: number | undefined
  continueFromStep: number | undefined
  patch: RunConfigPatchValues
} {
  const presetFlag = str(values, 'preset')
  if (presetFlag !== undefined && !(presetNames as readonly string[]).includes(presetFlag)) {
    throw new ServiceError(
      'invalid_input',
      `--preset "${presetFlag}" is not a preset; use one of ${presetNames.join(', ')}`
    )
  }
  let fromFile: Record<string, unknown> = {}
  const configFile = str(values, 'config')
  if (configFile !== undefined) {
    try {
      fromFile = JSON.parse(readFileSync(configFile, 'utf8')) as Record<string, unknown>
    } catch (err) {
      throw new ServiceError('invalid_input', `--config ${configFile}: ${(err as Error).message}`)
    }
  }
  const data = str(values, 'data')
  const validation = str(values, 'validation')
  const split = num(values, 'validation-split')
  const targets = str(values, 'targets')
  const lora = drop({
    r: num(values, 'r'),
    alpha: num(values, 'alpha'),
    dropout: num(values, 'dropout'),
    targetModules: targets
      ?.split(',')
      .map((t) => t.trim())
      .filter(Boolean),
    rsLora: values.rslora === true ? true : undefined
  })
  const flags = drop({
    baseModel: str(values, 'model'),
    data: data === undefined ? undefined : source(data),
    validation:
      split !== undefined
        ? { kind: 'split' as const, ratio: split }
        : validation === undefined
          ? undefined
          : source(validation),
    template: str(values, 'template'),
    maxLength: num(values, 'max-length'),
    packing: values.packing === true ? true : values['no-packing'] === true ? false : undefined,
    epochs: num(values, 'epochs'),
    maxSteps: num(values, 'max-steps'),
    batchSize: num(values, 'batch-size'),
    gradientAccumulation: num(values, 'gradient-accumulation'),
    learningRate: num(values, 'lr'),
    schedule: str(values, 'schedule'),
    warmupSteps: num(values, 'warmup-steps'),
    warmupRatio: num(values, 'warmup-ratio'),
    weightDecay: num(values, 'weight-decay'),
    maxGradNorm: num(values, 'max-grad-norm'),
    adamBeta1: num(values, 'adam-beta1'),
    adamBeta2: num(values, 'adam-beta2'),
    adamEpsilon: num(values, 'adam-epsilon'),
    seed: num(values, 'seed'),
    evalEvery: num(values, 'eval-every'),
    saveEvery: num(values, 'save-every'),
    keepLast: num(values, 'keep-last'),
    initAdapter: str(values, 'init-adapter'),
    workers: workers(values),
    gradientCheckpointing:
      values['gradient-checkpointing'] === true
        ? true
        : values['no-gradient-checkpointing'] === true
          ? false
          : undefined
  })
  const fileLora = (fromFile.lora ?? {}) as Record<string, unknown>
  const merged = { ...fromFile, ...flags, lora: { ...fileLora, ...lora } }
  const parsed = RunConfigPatch.safeParse(merged, wordsParse)
  if (!parsed.success) {
    const issues = zodIssues(parsed.error)
    const text = issues.map((i) => issueWithLabel(i, flagOfField(i.path))).join('; ')
    throw new ServiceError('invalid_input', text, issues)
  }
  const { continueFrom, continueFromStep } = continueFlag(values)
  if (parsed.data.baseModel === undefined && continueFrom === undefined) {
    throw new ServiceError('invalid_input', '--model NAME|DIR is required (or --continue-from RUN_ID)')
  }
  if (parsed.data.data === undefined)
    throw new ServiceError('invalid_input', '--data FILE|DATASET_ID is required')
  return {
    preset: presetFlag as PresetName | undefined,
    name: str(values, 'name'),
    continueFrom,
    continueFromStep,
    patch: parsed.data
  }
}
