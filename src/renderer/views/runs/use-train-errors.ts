// The Train form's errors at their fields: the service's (kept until the field changes) and the form's
// own schema checks (shown once the person has tried to start), plus a typed max length above the
// model's context, flagged at once. TrainView mounts the fields; this decides what each one says.
import { computed, ref, watch, type ComputedRef, type Ref } from 'vue'
import { useI18n } from 'vue-i18n'
import type { z } from 'zod'
import { overContext } from '../../../shared/context-fit'
import type { RunConfigValues } from '../../../shared/runs'
import type { useTrainFormStore } from '../../stores/train-form'
import { dropFieldError } from '../field-errors'
import { errorFor, localIssues } from './issue-text'
import type { NumericField } from './train-fields'

type Checked = ComputedRef<z.ZodSafeParseResult<RunConfigValues>>

export function useTrainErrors(form: ReturnType<typeof useTrainFormStore>, checked: Checked) {
  const { t } = useI18n()
  /** The service's errors by field path, from the last refused Start. */
  const errors: Ref<Record<string, string>> = ref({})
  /** Errors show once the person has tried to start, or for the fields they changed since. */
  const showAllErrors = ref(false)
  const localErrors = computed(() => (checked.value.success ? {} : localIssues(checked.value.error, t)))

  function fieldError(path: string): string | null {
    return errorFor(errors.value, path) ?? (showAllErrors.value ? errorFor(localErrors.value, path) : null)
  }

  /** A typed max length above the model's context, flagged as soon as it is typed (runs.start refuses it too). */
  function contextError(field: NumericField): string | null {
    const context = form.modelContext
    const maxLength = form.draft.settings.maxLength
    if (field.path !== 'maxLength' || !overContext(maxLength, context)) return null
    return t('train.context.over', { n: maxLength, context })
  }

  function numberError(field: NumericField): string | null {
    return (
      errorFor(errors.value, `config.${field.path}`) ??
      errorFor(localErrors.value, `config.${field.path}`) ??
      contextError(field)
    )
  }

  /** Max length's help says the chosen model's context. */
  function numberHelp(field: NumericField): string {
    const help = t(`train.fields.${field.key}.help`)
    if (field.path !== 'maxLength') return help
    const context = form.modelContext
    return `${help} ${context === null ? t('train.context.unknown') : t('train.context.known', { context })}`
  }

  /** A numeric field the person changed drops the service's error it had. */
  function numberChanged(field: NumericField): void {
    dropFieldError(errors.value, `config.${field.path}`)
  }
  // So do the basics.
  watch(
    () => form.draft.name,
    () => dropFieldError(errors.value, 'name')
  )
  watch(
    () => form.draft.baseModel,
    () => dropFieldError(errors.value, 'config.baseModel')
  )
  watch(
    () => [form.draft.datasetId, form.draft.validationDatasetId, form.draft.validation],
    () => (dropFieldError(errors.value, 'config.data'), dropFieldError(errors.value, 'config.validation'))
  )

  return { errors, showAllErrors, localErrors, fieldError, numberError, numberHelp, numberChanged }
}
