// runs.wasmFits: the Train form's settings tried on every registered model, so on the wasm backend
// (a 4 GiB heap) the form can say which models fit and which need recomputation or the GPU backend.
import type { ModelWasmFit, RunConfigValues } from '../../shared/runs'
import type { StoredModel } from '../store/models-repository'
import type { EngineCaller } from './run-service'

export async function modelWasmFits(
  models: readonly StoredModel[],
  engine: EngineCaller,
  config: RunConfigValues
): Promise<ModelWasmFit[] | null> {
  const fits = await engine.call('wasmFits', { baseModels: models.map((m) => m.path), config })
  if (!fits) return null
  return models.flatMap((model, i) => {
    const fit = fits[i]
    return fit ? [{ modelId: model.id, fit }] : []
  })
}
