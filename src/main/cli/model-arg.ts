// `--model NAME|DIR` as every verb takes it: a registered model's name (its folder), else a folder.
// A name wins over a same-named folder in the working directory, as in chat and generate. What needs a
// registered model (a dataset's tokenizer) takes its name, its folder or its id.
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { ServiceError } from '../../shared/errors'
import type { Store } from '../store/store'

export interface ModelArg {
  /** The registered model's id, or null for a folder given by path. */
  modelId: number | null
  /** The model's folder. */
  path: string
}

/** The folder of the registered model named `name`, or null when none has that name. */
export function registeredModelPath(store: Store, name: string): string | null {
  return store.models.findByName(name)?.path ?? null
}

export function modelArg(store: Store, value: unknown, flag = '--model'): ModelArg {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ServiceError(
      'invalid_input',
      `${flag} is required: a registered model's name or a model folder`
    )
  }
  const registered = store.models.findByName(value)
  if (registered) return { modelId: registered.id, path: registered.path }
  if (!existsSync(value)) {
    const names = store.models.list().map((m) => m.name)
    throw new ServiceError(
      'invalid_input',
      `${flag}: "${value}" is neither a registered model (${names.length ? names.join(', ') : 'none yet'}) nor a folder`
    )
  }
  return { modelId: null, path: resolve(value) }
}

/**
 * A registered model given as `modelArg` takes it (its name or its folder), or by its id as `models`
 * takes it; the same words when nothing matches, and a folder that is not registered is refused.
 */
export function registeredModelId(store: Store, value: unknown, flag = '--model'): number {
  if (
    typeof value === 'string' &&
    /^\d+$/.test(value) &&
    !store.models.findByName(value) &&
    !existsSync(value)
  ) {
    const byId = store.models.get(Number(value))
    if (byId) return byId.id
  }
  const model = modelArg(store, value, flag)
  const id = model.modelId ?? store.models.list().find((m) => resolve(m.path) === model.path)?.id
  if (id === undefined) {
    throw new ServiceError(
      'invalid_input',
      `${flag}: ${model.path} is not a registered model; import it first (lora-studio import DIR) and give its name`
    )
  }
  return id
}
