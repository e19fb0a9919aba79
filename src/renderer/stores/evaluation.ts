// Perplexity evaluations of a run as the renderer knows them: the ones kept with each run, and the
// one in progress with its evaluate.progress events (one subscription for the whole app).
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { ChatTargetInput } from '../../shared/chat'
import type { EvaluateProgressEvent, PerplexityReport, PerplexitySourceInput } from '../../shared/evaluation'
import { api } from '../api'

export interface EvaluateRequest {
  targets: ChatTargetInput[]
  source: PerplexitySourceInput
  maxLength?: number
  stride?: number
}

let nextProgressId = 1

export const useEvaluationStore = defineStore('evaluation', () => {
  /** Kept evaluations per run, oldest first. */
  const byRun = ref<Record<number, PerplexityReport[]>>({})
  /** The evaluation running for a run, with its latest progress (null until the first event). */
  const running = ref<Record<number, { progressId: string; progress: EvaluateProgressEvent | null }>>({})
  let unsubscribe: (() => void) | null = null

  function subscribe(): void {
    unsubscribe ??= api.on('evaluate.progress', (event) => {
      if (event.runId === null) return
      const current = running.value[event.runId]
      if (current && current.progressId === event.progressId) current.progress = event
    })
  }

  async function load(runId: number): Promise<PerplexityReport[]> {
    const reports = await api.evaluate.list({ runId })
    byRun.value[runId] = reports
    return reports
  }

  /** Scores the targets and keeps the report with the run; rejects with the service's error. */
  async function evaluate(runId: number, request: EvaluateRequest): Promise<PerplexityReport> {
    subscribe()
    const progressId = `run-${runId}-${nextProgressId++}`
    running.value[runId] = { progressId, progress: null }
    try {
      const report = await api.evaluate.perplexity({ ...request, runId, progressId })
      byRun.value[runId] = [...(byRun.value[runId] ?? []), report]
      return report
    } finally {
      delete running.value[runId]
    }
  }

  /** Asks the service to stop the run's evaluation; its evaluate() then rejects with the reason. */
  async function cancel(runId: number): Promise<void> {
    const current = running.value[runId]
    if (current) await api.evaluate.cancel({ progressId: current.progressId })
  }

  function stop(): void {
    unsubscribe?.()
    unsubscribe = null
  }

  return { byRun, running, load, evaluate, cancel, stop }
})
