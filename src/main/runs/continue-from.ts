// Continuing training from an earlier adapter — a run's final adapter, one of its checkpoints, or a
// PEFT folder: what the new run takes from it (base model, LoRA shape, template), its lineage, and the
// refusal, in words and before any run row exists, of a config that asks for another shape than the
// adapter has (the engine would only find out once the run had started, and its Resume fail again).
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { readExportAbout } from '../../engine/files/export-folder'
import { AdapterError, readAdapterSettings } from '../../engine/training/peft-adapter'
import { ServiceError } from '../../shared/errors'
import {
  storedRunConfig,
  type ContinueSourceInfo,
  type ContinueSourceSpec,
  type LoraSettingsConfig,
  type PresetName,
  type RunConfigPatchValues,
  type RunConfigValues
} from '../../shared/runs'
import { adapterFolder, registeredBase, runOwning } from '../chat/chat-targets'
import type { Store } from '../store/store'
import { resolveConfig } from './resolve-config'

/** What runs.start is asked: continueFrom/continueFromStep name a run, else config.initAdapter a folder. */
export interface ContinueRequest {
  preset?: PresetName
  continueFrom?: number
  continueFromStep?: number
  config: RunConfigPatchValues
}

/** The run's full config (initAdapter set when it continues one) and the run it continues, if any. */
export interface ResolvedContinuation {
  config: RunConfigValues
  parent: { runId: number; step: number } | null
}

function invalid(path: string, message: string): ServiceError {
  return new ServiceError('invalid_input', `${path}: ${message}`, [{ path, message }])
}

async function loraOf(adapter: string, field: string): Promise<LoraSettingsConfig> {
  try {
    return (await readAdapterSettings(adapter)).settings
  } catch (err) {
    if (err instanceof AdapterError) throw invalid(field, err.message)
    throw err
  }
}

/** A run's final adapter (step undefined; its last checkpoint when it has none) or its checkpoint at `step`. */
async function fromRun(store: Store, runId: number, step: number | undefined): Promise<ContinueSourceInfo> {
  const run = store.runs.get(runId)
  if (!run) {
    throw new ServiceError('not_found', `Run ${runId} does not exist; list runs to see their ids.`, [
      { path: 'continueFrom', message: 'no such run' }
    ])
  }
  const checkpoints = store.runs.checkpoints(runId).filter((c) => existsSync(c.path))
  const steps = checkpoints.map((c) => c.step).join(', ') || 'none'
  let folder: string
  let at: number
  if (step !== undefined) {
    const checkpoint = checkpoints.find((c) => c.step === step)
    if (!checkpoint) {
      throw invalid(
        'continueFromStep',
        `run ${runId} has no checkpoint at step ${step}; its checkpoints are at steps: ${steps}`
      )
    }
    folder = checkpoint.path
    at = step
  } else if (run.adapterPath !== null && existsSync(run.adapterPath)) {
    folder = run.adapterPath
    at = run.step
  } else {
    const last = checkpoints.at(-1)
    if (!last) {
      throw new ServiceError(
        'conflict',
        `Run ${runId} has no adapter or checkpoint yet to continue from; let it train first.`
      )
    }
    folder = last.path
    at = last.step
  }
  const adapterPath = adapterFolder(folder, 'continueFrom')
  const config = storedRunConfig(run.config)
  return {
    adapterPath,
    lora: await loraOf(adapterPath, 'continueFrom'),
    baseModel: config.baseModel,
    template: config.template,
    parent: { runId, runName: run.name, step: at }
  }
}

/** What a run continuing from `source` inherits; a folder inside a run's folder counts as that run's. */
export async function continueSource(
  store: Store,
  runsDir: string,
  source: ContinueSourceSpec
): Promise<ContinueSourceInfo> {
  if ('runId' in source) return fromRun(store, source.runId, source.step)
  const adapterPath = adapterFolder(source.folder, 'config.initAdapter')
  const owner = runOwning(store, runsDir, adapterPath)
  if (owner !== null) {
    const run = store.runs.get(owner)
    const checkpoint = store.runs.checkpoints(owner).find((c) => adapterPath.startsWith(resolve(c.path)))
    if (checkpoint) return fromRun(store, owner, checkpoint.step)
    if (run?.adapterPath && resolve(run.adapterPath) === adapterPath) return fromRun(store, owner, undefined)
  }
  const { settings, baseModel } = await readAdapterSettings(adapterPath).catch((err: unknown) => {
    throw err instanceof AdapterError ? invalid('config.initAdapter', err.message) : err
  })
  // A folder we exported records its run's template and base model's name.
  const about = readExportAbout(adapterPath)
  return {
    adapterPath,
    lora: settings,
    baseModel:
      (registeredBase(store, baseModel) ?? registeredBase(store, about?.baseModel ?? ''))?.path ?? null,
    template: about?.template?.name ?? null,
    parent: null
  }
}

/** A run's settings (not its data) as defaults for the run continuing it; a folder's known base model. */
function inheritedSettings(store: Store, from: ContinueSourceInfo): RunConfigPatchValues {
  if (from.parent) {
    const run = store.runs.get(from.parent.runId)
    const { data: _data, validation: _validation, ...settings } = storedRunConfig(run?.config)
    return settings
  }
  return from.baseModel !== null ? { baseModel: from.baseModel } : {}
}

function describeLora(l: LoraSettingsConfig): string {
  return `r ${l.r}, alpha ${l.alpha}${l.rsLora ? ' (rsLoRA)' : ''} on ${l.targetModules.join(', ')}`
}

function sameTargets(a: string[], b: string[]): boolean {
  return [...a].sort().join(',') === [...b].sort().join(',')
}

/** Each setting of `config` the adapter fixes and `config` changes: field path, the adapter's value. */
function mismatches(config: RunConfigValues, from: ContinueSourceInfo): { path: string; want: string }[] {
  const out: { path: string; want: string }[] = []
  const { lora } = config
  if (lora.r !== from.lora.r) out.push({ path: 'config.lora.r', want: String(from.lora.r) })
  if (lora.alpha !== from.lora.alpha) out.push({ path: 'config.lora.alpha', want: String(from.lora.alpha) })
  if (!sameTargets(lora.targetModules, from.lora.targetModules))
    out.push({ path: 'config.lora.targetModules', want: from.lora.targetModules.join(', ') })
  if (lora.rsLora !== from.lora.rsLora)
    out.push({ path: 'config.lora.rsLora', want: String(from.lora.rsLora) })
  if (from.baseModel !== null && resolve(config.baseModel) !== resolve(from.baseModel))
    out.push({ path: 'config.baseModel', want: from.baseModel })
  if (from.template !== null && config.template !== from.template)
    out.push({ path: 'config.template', want: from.template })
  return out
}

function sourceName(from: ContinueSourceInfo): string {
  if (!from.parent) return `The adapter in ${from.adapterPath}`
  return `Run ${from.parent.runId} "${from.parent.runName}" (its adapter at step ${from.parent.step})`
}

/**
 * The one place a run's start config is resolved when it continues an adapter (and when it does not):
 * preset, then what the adapter's run fixes (base model, LoRA, template, its other settings as defaults),
 * then the user's fields; a user's field that changes what the adapter fixes is refused with the
 * adapter's value. Throws ServiceError (invalid_input / not_found / conflict); creates nothing.
 */
export async function resolveContinueFrom(
  store: Store,
  runsDir: string,
  request: ContinueRequest
): Promise<ResolvedContinuation> {
  const { preset, continueFrom, continueFromStep, config: given } = request
  if (continueFromStep !== undefined && continueFrom === undefined) {
    throw invalid('continueFromStep', 'give continueFrom (the run) with the step to continue from')
  }
  const source: ContinueSourceSpec | null =
    continueFrom !== undefined
      ? { runId: continueFrom, step: continueFromStep }
      : given.initAdapter
        ? { folder: given.initAdapter }
        : null
  if (source === null) return { config: resolveConfig(preset, given), parent: null }
  const from = await continueSource(store, runsDir, source)
  const inherited = inheritedSettings(store, from)
  const patch: RunConfigPatchValues = {
    ...inherited,
    ...given,
    lora: { ...inherited.lora, ...from.lora, ...given.lora },
    initAdapter: from.adapterPath
  }
  const config = resolveConfig(preset, patch)
  const wrong = mismatches(config, from)
  if (wrong.length > 0) {
    const asked = wrong.map((w) => `${w.path.replace(/^config\./, '')} ${String(pick(config, w.path))}`)
    throw new ServiceError(
      'invalid_input',
      `${sourceName(from)} has LoRA ${describeLora(from.lora)}` +
        `${from.baseModel ? `, base model ${from.baseModel}` : ''}${from.template ? `, template ${from.template}` : ''}; ` +
        `this run asks ${asked.join(', ')}. A run that continues an adapter keeps its r, alpha, target modules, ` +
        'rsLoRA, base model and template: leave them out or set them to the adapter’s.',
      wrong.map((w) => ({ path: w.path, message: `must be ${w.want}, as in the adapter this run continues` }))
    )
  }
  return { config, parent: from.parent ? { runId: from.parent.runId, step: from.parent.step } : null }
}

/** The value at a `config.a.b` path, for the refusal's words. */
function pick(config: RunConfigValues, path: string): unknown {
  let at: unknown = config
  for (const key of path.split('.').slice(1)) at = (at as Record<string, unknown>)[key]
  return Array.isArray(at) ? at.join(', ') : at
}
