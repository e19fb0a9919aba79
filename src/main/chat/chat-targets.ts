// Turns what a chat talks to (a registered model or a folder; no adapter, a run's final adapter or
// checkpoint, or an adapter folder) into the folders the engine loads, and finds the prompt template
// the adapter was trained with, so chat formats turns the way training did.
import { existsSync, readFileSync } from 'node:fs'
import { basename, join, relative, resolve, sep } from 'node:path'
import type { AdapterRefInput, ResolvedTarget } from '../../shared/chat'
import type { TemplateSpec } from '../../shared/datasets'
import { ServiceError } from '../../shared/errors'
import { readExportAbout } from '../../engine/files/export-folder'
import type { Store } from '../store/store'
import { runTemplate } from '../runs/run-template'

export interface TargetSpec {
  modelId?: number
  modelPath?: string
  adapter: AdapterRefInput
}

export interface TargetResolution {
  target: ResolvedTarget
  /**
   * The template of the run the adapter comes from (a folder we exported records it), or null (base
   * model, or a foreign adapter).
   */
  trainedTemplate: TemplateSpec | null
  runId: number | null
}

const ADAPTER_CONFIG = 'adapter_config.json'

function invalid(path: string, message: string): ServiceError {
  return new ServiceError('invalid_input', `${path}: ${message}`, [{ path, message }])
}

/** The PEFT folder in `dir`: the folder itself, or a checkpoint's `adapter/` inside it. */
export function adapterFolder(dir: string, field: string): string {
  const full = resolve(dir)
  if (existsSync(join(full, ADAPTER_CONFIG))) return full
  if (existsSync(join(full, 'adapter', ADAPTER_CONFIG))) return join(full, 'adapter')
  throw invalid(
    field,
    `${full} holds no ${ADAPTER_CONFIG} (nor adapter/${ADAPTER_CONFIG}); choose a PEFT adapter folder or a checkpoint folder`
  )
}

/** `base_model_name_or_path` of a PEFT folder's adapter_config.json, or '' when absent or unreadable. */
export function adapterBaseName(adapterDir: string): string {
  try {
    const raw = JSON.parse(readFileSync(join(adapterDir, ADAPTER_CONFIG), 'utf8')) as Record<string, unknown>
    return typeof raw.base_model_name_or_path === 'string' ? raw.base_model_name_or_path : ''
  } catch {
    return ''
  }
}

/** The registered model an adapter names as its base: by name, Hub id or folder. */
export function registeredBase(store: Store, base: string): { path: string; id: number } | null {
  if (base === '') return null
  const found = store.models
    .list()
    .find((m) => m.name === base || m.hubId === base || resolve(m.path) === resolve(base))
  return found ? { path: found.path, id: found.id } : null
}

/** The run whose folder (runs/<id>/…) holds `path`, if any. */
export function runOwning(store: Store, runsDir: string, path: string): number | null {
  const rel = relative(resolve(runsDir), path)
  if (rel.startsWith('..')) return null
  const id = Number(rel.split(sep)[0])
  return Number.isInteger(id) && store.runs.get(id) ? id : null
}

function runAdapter(
  store: Store,
  adapter: Extract<AdapterRefInput, { kind: 'run' }>,
  field: string
): { path: string; label: string; baseModel: string; modelId: number | null } {
  const run = store.runs.get(adapter.runId)
  if (!run)
    throw new ServiceError(
      'not_found',
      `${field}.runId: run ${adapter.runId} does not exist; pick another run`,
      [{ path: `${field}.runId`, message: 'no such run' }]
    )
  const steps = store.runs.checkpoints(run.id).map((c) => c.step)
  const available = steps.length
    ? `its checkpoints are at steps ${steps.join(', ')}`
    : 'it has no checkpoints yet'
  let path: string
  let label = `${run.name}`
  if (adapter.checkpointStep !== undefined) {
    const checkpoint = store.runs.checkpoint(run.id, adapter.checkpointStep)
    if (!checkpoint) {
      throw invalid(
        `${field}.checkpointStep`,
        `run ${run.id} has no checkpoint at step ${adapter.checkpointStep}; ${available}`
      )
    }
    path = adapterFolder(checkpoint.path, `${field}.checkpointStep`)
    label += ` (step ${checkpoint.step})`
  } else {
    if (run.adapterPath === null) {
      throw invalid(
        `${field}.checkpointStep`,
        `run ${run.id} has no final adapter (it is ${run.status}); pick one of its checkpoints: ${available}`
      )
    }
    path = adapterFolder(run.adapterPath, `${field}.runId`)
  }
  return { path, label, baseModel: run.baseModel, modelId: run.modelId }
}

/** Resolves a target strictly: every folder must be there. `field` prefixes error paths (`targets.1`). */
export function resolveTarget(store: Store, runsDir: string, spec: TargetSpec, field = ''): TargetResolution {
  const at = (name: string) => (field ? `${field}.${name}` : name)
  if (spec.modelId !== undefined && spec.modelPath !== undefined) {
    throw invalid(at('modelPath'), 'give either modelId or modelPath, not both')
  }
  let adapterPath: string | null = null
  let adapterLabel = ''
  let runId: number | null = null
  let fallbackModel: { path: string; id: number | null } | null = null
  if (spec.adapter.kind === 'run') {
    const found = runAdapter(store, spec.adapter, at('adapter'))
    adapterPath = found.path
    adapterLabel = found.label
    runId = spec.adapter.runId
    fallbackModel = { path: found.baseModel, id: found.modelId }
  } else if (spec.adapter.kind === 'path') {
    adapterPath = adapterFolder(spec.adapter.path, at('adapter.path'))
    adapterLabel = basename(resolve(spec.adapter.path))
    runId = runOwning(store, runsDir, adapterPath)
    const run = runId !== null ? store.runs.get(runId) : undefined
    fallbackModel = run
      ? { path: run.baseModel, id: run.modelId }
      : (registeredBase(store, adapterBaseName(adapterPath)) ??
        registeredBase(store, readExportAbout(adapterPath)?.baseModel ?? ''))
  }
  let modelId: number | null = null
  let modelPath: string
  if (spec.modelId !== undefined) {
    const model = store.models.get(spec.modelId)
    if (!model) {
      throw new ServiceError(
        'not_found',
        `${at('modelId')}: model ${spec.modelId} does not exist; pick another model`,
        [{ path: at('modelId'), message: 'no such model' }]
      )
    }
    modelId = model.id
    modelPath = model.path
  } else if (spec.modelPath !== undefined) {
    modelPath = resolve(spec.modelPath)
  } else if (fallbackModel) {
    modelId = fallbackModel.id
    modelPath = fallbackModel.path
  } else {
    const named = adapterPath !== null ? adapterBaseName(adapterPath) : ''
    throw invalid(
      at('modelId'),
      adapterPath !== null
        ? `the adapter's base model ${named ? `"${named}" ` : ''}is not a registered model; add it under Models or choose a base model`
        : 'choose a model (modelId or modelPath), or a run whose base model to use'
    )
  }
  if (!existsSync(join(modelPath, 'config.json'))) {
    throw invalid(
      at(spec.modelPath !== undefined ? 'modelPath' : 'modelId'),
      `${modelPath} is not a model folder (no config.json); choose an HF GPT-2 folder`
    )
  }
  const registered =
    modelId !== null
      ? store.models.get(modelId)
      : (store.models.list().find((m) => resolve(m.path) === modelPath) ?? null)
  const modelName = registered?.name ?? basename(modelPath)
  return {
    target: {
      modelId: registered?.id ?? null,
      modelPath,
      modelName,
      adapter: spec.adapter,
      adapterPath,
      label: adapterPath === null ? modelName : `${modelName} + ${adapterLabel}`
    },
    trainedTemplate:
      runId !== null
        ? runTemplate(store, runId)
        : adapterPath !== null
          ? (readExportAbout(adapterPath)?.template ?? null)
          : null,
    runId
  }
}
