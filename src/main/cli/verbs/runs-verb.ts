// `lora-studio runs`: every run with its status, step, last loss and checkpoints.
import type { CliVerb } from '../cli-verb'

export const runsVerb: CliVerb = {
  name: 'runs',
  summary: 'List training runs (id, name, status, step, last loss, checkpoints)',
  usage: 'lora-studio runs [--json]',
  async run({ json, io, openContext }) {
    const context = await openContext()
    const runs = await context.handlers.runs.list({})
    if (json) {
      const rows = await Promise.all(
        runs.map(async (r) => ({
          id: r.id,
          name: r.name,
          status: r.status,
          step: r.step,
          total_steps: r.totalSteps,
          loss: r.lastLoss,
          eval_loss: r.lastEvalLoss,
          checkpoints: (await context.handlers.runs.checkpoints({ id: r.id })).map((c) => ({
            step: c.step,
            reason: c.reason,
            path: c.path
          })),
          message: r.message,
          folder_missing: r.folderMissing,
          continued_from: r.parentRunId === null ? null : { run_id: r.parentRunId, step: r.parentStep }
        }))
      )
      io.out(JSON.stringify(rows, null, 2))
      return
    }
    if (runs.length === 0) io.out('no runs yet; start one with lora-studio train')
    for (const r of runs) {
      io.out(
        `${String(r.id).padStart(4)}  ${r.status.padEnd(11)} step ${r.step}/${r.totalSteps ?? '?'}  loss ${r.lastLoss?.toFixed(4) ?? '-'}  ${r.checkpoints} checkpoints  ${r.name}${r.parentRunId === null ? '' : `  (continued from #${r.parentRunId}${r.parentStep === null ? '' : ` at step ${r.parentStep}`})`}${r.folderMissing ? '  (run folder missing)' : ''}`
      )
    }
  }
}
