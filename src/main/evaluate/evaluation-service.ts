// The evaluate domain in main: perplexity of base models and adapters (resolved as chat resolves
// them) on a file or a dataset's validation split. Targets on the same base model share one engine
// job (the model loads once); progress goes out as `evaluate.progress`; a run's results are kept.
import type { ApiHandlers } from '../../shared/contract'
import type {
  PerplexityInputValue,
  PerplexityInputValues,
  PerplexityReport,
  PerplexityRow
} from '../../shared/evaluation'
import { PerplexityInput } from '../../shared/evaluation'
import { ServiceError } from '../../shared/errors'
import { resolveTarget, type TargetResolution } from '../chat/chat-targets'
import type { EventBus } from '../event-bus'
import type { EngineCaller } from '../runs/run-service'
import { createEvaluationsRepository } from '../store/evaluations-repository'
import type { Store } from '../store/store'
import { preparePerplexitySamples } from './perplexity-samples'

export interface EvaluationServiceDeps {
  store: Store
  engine: EngineCaller
  events: EventBus
  runsDir: string
}

export interface EvaluationService {
  handlers: ApiHandlers['evaluate']
  /** The same as handlers.perplexity, cancellable (the CLI's Ctrl-C). */
  perplexity(input: PerplexityInputValues, signal?: AbortSignal): Promise<PerplexityReport>
}

export function createEvaluationService(deps: EvaluationServiceDeps): EvaluationService {
  const { store, engine, events } = deps
  const repo = createEvaluationsRepository(store.db)
  /** Evaluations in progress by progressId, so evaluate.cancel can stop them. */
  const running = new Map<string, AbortController>()

  function mustHaveRun(runId: number): void {
    if (!store.runs.get(runId)) {
      throw new ServiceError('not_found', `runId: run ${runId} does not exist; list runs to see their ids`, [
        { path: 'runId', message: 'no such run' }
      ])
    }
  }

  async function perplexity(raw: PerplexityInputValues, signal?: AbortSignal): Promise<PerplexityReport> {
    const input = PerplexityInput.parse(raw)
    const controller = new AbortController()
    const stop = () => controller.abort()
    if (signal?.aborted) stop()
    signal?.addEventListener('abort', stop, { once: true })
    const key = input.progressId
    if (key !== undefined) {
      if (running.has(key)) {
        throw new ServiceError(
          'conflict',
          `progressId: an evaluation with progressId "${key}" is running already`
        )
      }
      running.set(key, controller)
    }
    try {
      return await evaluate(input, controller.signal)
    } catch (err) {
      if (controller.signal.aborted && err instanceof ServiceError && err.code === 'cancelled') {
        throw new ServiceError('cancelled', 'The evaluation was stopped; nothing of it was kept.')
      }
      throw err
    } finally {
      signal?.removeEventListener('abort', stop)
      if (key !== undefined) running.delete(key)
    }
  }

  async function evaluate(input: PerplexityInputValue, signal: AbortSignal): Promise<PerplexityReport> {
    const started = performance.now()
    const runId = input.runId ?? null
    if (runId !== null) mustHaveRun(runId)
    const resolved: TargetResolution[] = input.targets.map((t, i) =>
      resolveTarget(store, deps.runsDir, t, `targets.${i}`)
    )
    // One engine job per base model, each row keeping its place in the table.
    const groups = new Map<string, number[]>()
    resolved.forEach((r, i) => groups.set(r.target.modelPath, [...(groups.get(r.target.modelPath) ?? []), i]))
    const rows: PerplexityRow[] = new Array<PerplexityRow>(resolved.length)
    let summary: { maxLength: number; stride: number; texts: number; windows: number; label: string } | null =
      null
    for (const [modelPath, indices] of groups) {
      const samples = await preparePerplexitySamples(store, input.source, modelPath)
      try {
        const out = await engine.call(
          'perplexity',
          {
            modelPath,
            adapterPaths: indices.map((i) => resolved[i].target.adapterPath),
            samplesFile: samples.file,
            maxLength: input.maxLength ?? null,
            stride: input.stride ?? null,
            batchSize: input.batchSize ?? null
          },
          {
            signal,
            timeoutMs: null,
            onEvent: (message) => {
              if (message.event !== 'perplexityProgress') return
              events.emit('evaluate.progress', {
                progressId: input.progressId ?? null,
                runId,
                target: indices[message.data.target],
                targets: resolved.length,
                windowsDone: message.data.windowsDone,
                windowsTotal: message.data.windowsTotal
              })
            }
          }
        )
        out.results.forEach(
          (figures, k) => (rows[indices[k]] = { ...figures, target: resolved[indices[k]].target })
        )
        summary ??= { ...out, label: samples.label }
      } finally {
        await samples.dispose()
      }
    }
    const s = summary as NonNullable<typeof summary>
    const report = {
      runId,
      source: input.source,
      sourceLabel: s.label,
      maxLength: s.maxLength,
      stride: s.stride,
      texts: s.texts,
      windows: s.windows,
      rows,
      elapsedMs: performance.now() - started
    }
    if (runId !== null) return repo.add({ ...report, runId })
    return { ...report, id: null, createdAt: new Date().toISOString() }
  }

  return {
    perplexity,
    handlers: {
      perplexity: (input) => perplexity(input),
      async list({ runId }) {
        mustHaveRun(runId)
        return repo.listForRun(runId)
      },
      async cancel({ progressId }) {
        const controller = running.get(progressId)
        controller?.abort()
        return { cancelled: controller !== undefined }
      }
    }
  }
}
