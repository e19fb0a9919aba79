// What the API says about a registered model: the stored row plus facts read from its folder now
// (family and shape from config.json, tokenizer present, folder missing).
import { existsSync } from 'node:fs'
import type { ModelSourceName, ModelSummary } from '../../shared/models'
import { hasTokenizerFiles } from '../../engine/formats/hf-model-folder'
import { hasChatTemplate } from '../datasets/model-chat-template'
import { modelShapeOf, type ModelShape } from '../../engine/formats/model-folder-info'
import type { ModelSource, StoredModel } from '../store/models-repository'

/** The store keeps 'created' for the demo models (the schema's name); the API says 'demo'. */
export function toApiSource(source: ModelSource): ModelSourceName {
  return source === 'created' ? 'demo' : source
}

export function toStoredSource(source: ModelSourceName): ModelSource {
  return source === 'demo' ? 'created' : source
}

function shapeOf(model: StoredModel): ModelShape | null {
  try {
    return modelShapeOf(model.config, `model "${model.name}" config.json`)
  } catch {
    return null
  }
}

/** The dtype config.json declares for the stored weights (`torch_dtype`: float32, bfloat16, …). */
function dtypeOf(config: unknown): string | null {
  const value =
    typeof config === 'object' && config !== null
      ? (config as { torch_dtype?: unknown }).torch_dtype
      : undefined
  return typeof value === 'string' ? value : null
}

export function toModelSummary(model: StoredModel): ModelSummary {
  const shape = shapeOf(model)
  const present = existsSync(model.path)
  return {
    id: model.id,
    name: model.name,
    source: toApiSource(model.source),
    hubId: model.hubId,
    revision: model.revision,
    parameters: model.parameterCount,
    family: shape?.family ?? null,
    layers: shape?.layers ?? null,
    width: shape?.width ?? null,
    heads: shape?.heads ?? null,
    kvHeads: shape?.kvHeads ?? null,
    vocabSize: shape?.vocabSize ?? null,
    contextLength: shape?.contextLength ?? null,
    dtype: dtypeOf(model.config),
    sizeBytes: model.sizeBytes,
    hasTokenizer: present && hasTokenizerFiles(model.path),
    hasChatTemplate: present && hasChatTemplate(model.path),
    path: model.path,
    createdAt: model.createdAt,
    problem: present
      ? null
      : `The folder ${model.path} is missing; delete this entry and add the model again.`
  }
}
