// What the Train form's model picker shows beside each registered model: tokens a character of the
// chosen dataset on its tokenizer (with GPT-2's, for the comparison warning), measured in main once per
// dataset and model and kept here, and on the wasm backend whether the form's settings fit each model.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { InputOf } from '../../shared/contract'
import type { TokensPerCharComparison } from '../../shared/datasets'
import type { ModelWasmFit } from '../../shared/runs'
import { api } from '../api'
import { tokensAdvice } from '../views/runs/tokens-advice'
import { useModelsStore } from './models'
import { useTrainFormStore } from './train-form'

const keyOf = (datasetId: number, modelId: number) => `${datasetId}:${modelId}`

export const useModelFitStore = defineStore('model-fit', () => {
  /** By `datasetId:modelId`; a model whose tokenizer cannot be read has none (its option shows no ratio). */
  const comparisons = ref<Record<string, TokensPerCharComparison>>({})
  const pending = new Map<string, Promise<void>>()

  /** Measures (once) in the background; the form never waits on it. */
  function measure(datasetId: number, modelId: number): Promise<void> {
    const key = keyOf(datasetId, modelId)
    if (comparisons.value[key]) return Promise.resolve()
    let found = pending.get(key)
    if (!found) {
      found = api.datasets
        .tokensPerChar({ datasetId, modelId })
        .then((result) => {
          comparisons.value = { ...comparisons.value, [key]: result }
        })
        .catch(() => undefined)
        .finally(() => pending.delete(key))
      pending.set(key, found)
    }
    return found
  }

  function comparison(datasetId: number | null, modelId: number): TokensPerCharComparison | null {
    return datasetId === null ? null : (comparisons.value[keyOf(datasetId, modelId)] ?? null)
  }

  /** The Train form's GPT-2 comparison for its chosen model and dataset (see tokens-advice.ts). */
  const models = useModelsStore()
  const form = useTrainFormStore()
  const advice = computed(() =>
    tokensAdvice(models.list, form.draft.baseModel, (id) => comparison(form.draft.datasetId, id))
  )

  /** On wasm: each registered model's fit for the form's settings; null on another backend or unasked. */
  const wasmFits = ref<ModelWasmFit[] | null>(null)
  let wasmSeq = 0
  async function checkWasm(input: InputOf<'runs', 'wasmFits'>): Promise<void> {
    const seq = ++wasmSeq
    const result = await api.runs.wasmFits(input).catch(() => null)
    if (seq === wasmSeq) wasmFits.value = result
  }

  return { comparisons, measure, comparison, advice, wasmFits, checkWasm }
})
