// The Train form's memory estimate, asked again (after a short pause) whenever the form changes, and
// the dry run that measures two real steps; kept out of TrainView so the view stays about the form.
import { ref, watch, type ComputedRef } from 'vue'
import type { DryRunMeasure, RunConfig, RunEstimate } from '../../../shared/runs'
import { messageOf } from '../../stores/loader'
import { useRunsStore } from '../../stores/runs'

const ESTIMATE_DELAY_MS = 400

export function useRunEstimate(
  checked: ComputedRef<ReturnType<typeof RunConfig.safeParse>>,
  changes: () => unknown
) {
  const runs = useRunsStore()
  const estimate = ref<RunEstimate | null>(null)
  const estimateError = ref<string | null>(null)
  const estimating = ref(false)
  const dryRun = ref<DryRunMeasure | null>(null)
  const dryRunError = ref<string | null>(null)
  const measuring = ref(false)

  let estimateTimer: ReturnType<typeof setTimeout> | null = null
  let estimateSeq = 0
  function scheduleEstimate(): void {
    if (estimateTimer) clearTimeout(estimateTimer)
    const seq = ++estimateSeq
    estimating.value = checked.value.success
    if (!checked.value.success) return
    const config = checked.value.data
    estimateTimer = setTimeout(async () => {
      try {
        const result = await runs.estimate({ config })
        if (seq === estimateSeq) {
          estimate.value = result
          estimateError.value = null
        }
      } catch (err) {
        if (seq === estimateSeq) {
          estimate.value = null
          estimateError.value = messageOf(err)
        }
      } finally {
        if (seq === estimateSeq) estimating.value = false
      }
    }, ESTIMATE_DELAY_MS)
  }

  watch(
    changes,
    () => {
      dryRun.value = null
      scheduleEstimate()
    },
    { deep: true }
  )

  /** A dry run: two real steps on the chosen data, for the step time and the ETA before starting. */
  async function measure(): Promise<void> {
    if (!checked.value.success) return
    measuring.value = true
    dryRunError.value = null
    try {
      const result = await runs.estimate({ config: checked.value.data, measure: true })
      dryRun.value = result.dryRun ?? null
      estimate.value = result
    } catch (err) {
      dryRunError.value = messageOf(err)
    } finally {
      measuring.value = false
    }
  }

  return { estimate, estimateError, estimating, dryRun, dryRunError, measuring, scheduleEstimate, measure }
}
