// The Train form's state: what the person has chosen so far (kept when they leave the page and come
// back), filled from a preset or from an earlier run's configuration, and turned into a run config.
// A preset's or a run's max length above the chosen model's context is brought down to it, with a note.
// Continuing an adapter fixes its LoRA shape, base model and template: a preset does not change them.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { fitToContext, type ContextFit } from '../../shared/context-fit'
import { familyPreset, targetsFitFamily, type ModelFamily } from '../../shared/model-family'
import {
  presets,
  runDefaults,
  storedRunConfig,
  type ContinueSourceInfo,
  type ContinueSourceSpec,
  type PresetName,
  type RunConfigValues,
  type ValidationSourceSpec
} from '../../shared/runs'

/** Every setting of a run except where the model and the data come from. */
export type TrainSettings = Omit<RunConfigValues, 'baseModel' | 'data' | 'validation'>

/** How evaluation data is chosen: the dataset's own split, a held-out share, or another dataset. */
export type ValidationChoice = 'dataset-split' | 'hold-out' | 'other-dataset'

export interface TrainDraft {
  name: string
  preset: PresetName | null
  baseModel: string
  datasetId: number | null
  validation: ValidationChoice
  holdOutRatio: number
  validationDatasetId: number | null
  settings: TrainSettings
}

function settingsFrom(config: TrainSettings & Partial<RunConfigValues>): TrainSettings {
  const { baseModel: _model, data: _data, validation: _validation, ...rest } = config
  return { ...rest, lora: { ...rest.lora, targetModules: [...rest.lora.targetModules] } }
}

function presetSettings(name: PresetName | null): TrainSettings {
  const fields = name ? presets[name].fields : {}
  return settingsFrom({ ...runDefaults, ...fields, lora: { ...runDefaults.lora, ...fields.lora } })
}

function emptyDraft(): TrainDraft {
  return {
    name: '',
    preset: 'quick-test',
    baseModel: '',
    datasetId: null,
    validation: 'dataset-split',
    holdOutRatio: 0.05,
    validationDatasetId: null,
    settings: presetSettings('quick-test')
  }
}

export function validationSpec(draft: TrainDraft): ValidationSourceSpec {
  switch (draft.validation) {
    case 'hold-out':
      return { kind: 'split', ratio: draft.holdOutRatio }
    case 'other-dataset':
      return { kind: 'dataset', id: draft.validationDatasetId ?? 0 }
    default:
      return { kind: 'none' }
  }
}

/** The draft as the run configuration the service receives (not yet validated). */
export function draftConfig(draft: TrainDraft): RunConfigValues {
  return {
    ...draft.settings,
    baseModel: draft.baseModel,
    data: { kind: 'dataset', id: draft.datasetId ?? 0 },
    validation: validationSpec(draft)
  }
}

export const useTrainFormStore = defineStore('trainForm', () => {
  const draft = ref<TrainDraft>(emptyDraft())
  /** The run whose settings were cloned, while the form still shows them. */
  const clonedFrom = ref<{ id: number; name: string } | null>(null)
  /** The chosen model's context (n_positions), null while unknown. */
  const modelContext = ref<number | null>(null)
  /** The chosen model's family, null while unknown. */
  const modelFamily = ref<ModelFamily | null>(null)
  /** The max length a preset, a cloned run or a model change asked for, brought down to the context. */
  const contextFit = ref<ContextFit | null>(null)
  /** The adapter the run continues from and what it fixes; null for a fresh adapter. */
  const continuing = ref<{ source: ContinueSourceSpec; info: ContinueSourceInfo } | null>(null)
  /** The fields the adapter fixes: disabled in the form (runs.start refuses other values too). */
  const locked = computed(() => ({
    lora: continuing.value !== null,
    baseModel: continuing.value !== null && continuing.value.info.baseModel !== null,
    template: continuing.value !== null && continuing.value.info.template !== null
  }))

  /** Writes what the adapter fixes over the draft (after a preset, a clone or the choice itself). */
  function lockInherited(): void {
    const info = continuing.value?.info
    if (!info) return
    const settings = draft.value.settings
    const { r, alpha, targetModules, rsLora } = info.lora
    settings.lora = { ...settings.lora, r, alpha, targetModules: [...targetModules], rsLora }
    if (info.baseModel !== null) draft.value.baseModel = info.baseModel
    if (info.template !== null) settings.template = info.template
    settings.initAdapter = info.adapterPath
  }

  /** Continue from an adapter: its LoRA shape, base model and template lock; its dropout is the default. */
  function continueFrom(source: ContinueSourceSpec, info: ContinueSourceInfo): void {
    continuing.value = { source, info }
    draft.value.settings.lora.dropout = info.lora.dropout
    lockInherited()
  }

  /** Back to a fresh adapter: every field is the person's again. */
  function freshAdapter(): void {
    continuing.value = null
    draft.value.settings.initAdapter = null
  }

  /** What runs.start gets beside the config: the run (and checkpoint) continued, for its lineage. */
  function continueInput(): { continueFrom?: number; continueFromStep?: number } {
    const source = continuing.value?.source
    if (!source || !('runId' in source)) return {}
    return source.step === undefined
      ? { continueFrom: source.runId }
      : { continueFrom: source.runId, continueFromStep: source.step }
  }

  /** Brings the max length within the model's context; the note stays until the person edits it. */
  function fitContext(): void {
    const fit = fitToContext(draft.value.settings.maxLength, modelContext.value)
    if (!fit) return
    draft.value.settings.maxLength = fit.to
    contextFit.value = fit
  }

  /** The chosen model changed: its context, and the max length brought within it. */
  function setModelContext(context: number | null): void {
    modelContext.value = context
    fitContext()
  }

  /** LoRA targets that name none of the model's modules (GPT-2's c_attn on a Qwen) give way to its family's preset. */
  function fitFamily(): void {
    const family = modelFamily.value
    const lora = draft.value.settings.lora
    if (family === null || targetsFitFamily(lora.targetModules, family)) return
    const preset = familyPreset(family)
    draft.value.settings.lora = {
      ...lora,
      targetModules: preset.targetModules,
      r: preset.rank,
      alpha: preset.alpha
    }
  }

  /** The chosen model's family changed: the targets follow it when they no longer fit. */
  function setModelFamily(family: ModelFamily | null): void {
    modelFamily.value = family
    fitFamily()
  }

  /** The person typed a max length: it is theirs (flagged, not cut, when above the context). */
  function setMaxLength(value: number): void {
    draft.value.settings.maxLength = value
    contextFit.value = null
  }

  function applyPreset(name: PresetName | null): void {
    draft.value.preset = name
    draft.value.settings = presetSettings(name)
    clonedFrom.value = null
    contextFit.value = null
    lockInherited()
    fitContext()
    fitFamily()
  }

  /** Fills the form with an earlier run's configuration (its data sources included, where they are datasets). */
  function cloneRun(run: { id: number; name: string; config: RunConfigValues }, copyName: string): void {
    const { config } = run
    const validation = config.validation
    draft.value = {
      name: copyName,
      preset: null,
      baseModel: config.baseModel,
      datasetId: config.data.kind === 'dataset' ? config.data.id : null,
      validation:
        validation.kind === 'split'
          ? 'hold-out'
          : validation.kind === 'dataset'
            ? 'other-dataset'
            : 'dataset-split',
      holdOutRatio: validation.kind === 'split' ? validation.ratio : 0.05,
      validationDatasetId: validation.kind === 'dataset' ? validation.id : null,
      settings: settingsFrom(storedRunConfig(config))
    }
    clonedFrom.value = { id: run.id, name: run.name }
    continuing.value = null
    contextFit.value = null
    fitContext()
    fitFamily()
  }

  /** After a run started from the form: its name is spent (the next run gets its own); the settings stay to tweak. */
  function started(): void {
    draft.value.name = ''
    clonedFrom.value = null
  }

  function reset(): void {
    draft.value = emptyDraft()
    clonedFrom.value = null
    contextFit.value = null
    modelContext.value = null
    continuing.value = null
    modelFamily.value = null
  }

  return {
    draft,
    clonedFrom,
    modelContext,
    modelFamily,
    contextFit,
    continuing,
    locked,
    continueFrom,
    freshAdapter,
    continueInput,
    setModelContext,
    setModelFamily,
    setMaxLength,
    applyPreset,
    cloneRun,
    started,
    reset
  }
})
