// Follows one run from the CLI until it ends: a progress bar on a terminal (JSON lines with --json,
// every line with "step" and "loss", the last one the run's summary with its id), and Ctrl-C or
// SIGTERM stopping the run with a checkpoint before the command exits.
import type { RunDetail, RunMetric, RunProgressEvent } from '../../../shared/runs'
import type { AppContext } from '../../app-context'
import type { CliIo } from '../cli-verb'
import type { Interrupts } from './interrupts'

function duration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '?'
  const s = Math.round(seconds)
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  return h > 0
    ? `${h}h${String(m).padStart(2, '0')}m`
    : m > 0
      ? `${m}m${String(s % 60).padStart(2, '0')}s`
      : `${s}s`
}

function bar(step: number, total: number | null, width = 24): string {
  if (!total) return ''
  const filled = Math.min(width, Math.round((step / total) * width))
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] `
}

export function progressText(m: RunMetric, total: number | null): string {
  if (m.evalLoss !== null)
    return `step ${m.step}: eval loss ${m.evalLoss.toFixed(4)}, perplexity ${m.perplexity?.toFixed(2)}`
  return (
    `${bar(m.step, total)}step ${m.step}/${total ?? '?'}  loss ${m.trainLoss?.toFixed(4)}  ` +
    `${Math.round(m.tokensPerS ?? 0)} tok/s  lr ${m.learningRate?.toExponential(2)}  ETA ${duration(m.etaS)}`
  )
}

export function metricJson(m: RunMetric, lastLoss: number | null): Record<string, unknown> {
  return {
    step: m.step,
    loss: m.trainLoss ?? lastLoss,
    epoch: m.epoch,
    ...(m.trainLoss !== null
      ? {
          lr: m.learningRate,
          grad_norm: m.gradNorm,
          tokens_per_s: m.tokensPerS,
          elapsed_s: m.elapsedS,
          eta_s: m.etaS,
          rss_bytes: m.rssBytes
        }
      : { eval_loss: m.evalLoss, perplexity: m.perplexity })
  }
}

export function summaryJson(run: RunDetail): Record<string, unknown> {
  return {
    id: run.id,
    name: run.name,
    status: run.status,
    step: run.step,
    total_steps: run.totalSteps,
    loss: run.lastLoss,
    eval_loss: run.lastEvalLoss,
    adapter: run.adapterPath,
    checkpoints: run.checkpoints,
    message: run.message,
    trainable: run.estimate?.trainableLine ?? null,
    estimated_bytes: run.estimate?.memory.totalBytes ?? null,
    peak_rss_bytes: run.peakRssBytes
  }
}

/** Prints progress until the run ends; returns the exit code (0 completed, 130 stopped by a signal, 1 otherwise). */
export async function followRun(
  context: AppContext,
  runId: number,
  io: CliIo,
  json: boolean,
  interrupts: Interrupts
): Promise<number> {
  const tty = !json && process.stderr.isTTY === true
  let total = (await context.handlers.runs.get({ id: runId })).totalSteps
  let lastLoss: number | null = null
  let interrupted = false
  const off = context.events.on('run.progress', (e: RunProgressEvent) => {
    if (e.runId !== runId) return
    if (e.message && e.message.startsWith('training')) {
      total = context.store.runs.get(runId)?.totalSteps ?? total
      if (!json) io.err(e.message)
    }
    if (e.metric) {
      if (e.metric.trainLoss !== null) lastLoss = e.metric.trainLoss
      if (json) io.out(JSON.stringify(metricJson(e.metric, lastLoss)))
      else if (tty && e.metric.evalLoss === null)
        process.stderr.write(`\r${progressText(e.metric, total)}\x1b[K`)
      else io.err(progressText(e.metric, total))
    } else if (e.checkpoint && !json) {
      if (tty) process.stderr.write('\n')
      io.err(`checkpoint: step ${e.checkpoint.step} (${e.checkpoint.reason}) → ${e.checkpoint.path}`)
    }
  })
  // A stop that cannot finish its checkpoint in time leaves the run interrupted (resumable) rather
  // than holding the terminal: the same bounded wait as the app's quit.
  let onStopped: () => void = () => undefined
  const stopped = new Promise<void>((resolve) => (onStopped = resolve))
  interrupts.onInterrupt((signal) => {
    interrupted = true
    io.err(`\n${signal}: stopping run ${runId} after a checkpoint…`)
    void context.runs.shutdown().finally(onStopped)
  })
  try {
    await Promise.race([context.runs.settled(runId), stopped])
  } finally {
    off()
  }
  if (tty) process.stderr.write('\n')
  const run = await context.handlers.runs.get({ id: runId })
  if (json) io.out(JSON.stringify(summaryJson(run)))
  else {
    io.out(
      `run ${run.id} "${run.name}": ${run.status} at step ${run.step}/${run.totalSteps ?? '?'}, loss ${run.lastLoss?.toFixed(4) ?? '-'}`
    )
    if (run.adapterPath) io.out(`adapter: ${run.adapterPath}`)
    if (run.message) io.out(run.message)
  }
  if (run.status === 'completed') return 0
  return interrupted && (run.status === 'stopped' || run.status === 'interrupted') ? 130 : 1
}
