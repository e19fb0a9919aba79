// What the API says about a registered model: the stored row plus facts read from its folder now
// (architecture from config.json, tokenizer present, folder missing).
import { existsSync } from 'node:fs'
import type { ModelSourceName, ModelSummary } from '../../shared/models'
import { hasTokenizerFiles } from '../../engine/formats/hf-model-folder'
import { hasChatTemplate } from '../datasets/model-chat-template'
import { parseGpt2Config, type Gpt2Config } from '../../engine/formats/hf-config'
import type { ModelSource, StoredModel } from '../store/models-repository'

/** The store keeps 'created' for the demo models (the schema's name); the API says 'demo'. */
export function toApiSource(source: ModelSource): ModelSourceName {
  return source === 'created' ? 'demo' : source
}

export function toStoredSource(source: ModelSourceName): ModelSource {
  return source === 'demo' ? 'created' : source
}

function configOf(model: StoredModel): Gpt2Config | null {
  try {
    return parseGpt2Config(model.config, `model "${model.name}" config.json`)
  } catch {
    return null
  }
}

export function toModelSummary(model: StoredModel): ModelSummary {
  const config = configOf(model)
  const present = existsSync(model.path)
  return {
    id: model.id,
    name: model.name,
    source: toApiSource(model.source),
    hubId: model.hubId,
    revision: model.revision,
    parameters: model.parameterCount,
    layers: config?.nLayer ?? null,
    width: config?.nEmbd ?? null,
    heads: config?.nHead ?? null,
    vocabSize: config?.vocabSize ?? null,
    contextLength: config?.nPositions ?? null,
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
