// Turns bench results into the table the CLI prints: one row per case, the kernel breakdown under a
// profiled case, generation's prefill, and the PyTorch reference with our speed as a ratio of it.
import type { BenchReport, CaseResult, TorchReference } from './case-result'
import type { ImportCaseResult } from './import-case'

const mib = (bytes: number | null) => (bytes === null ? 'n/a' : `${(bytes / 2 ** 20).toFixed(0)} MiB`)
const fixed = (v: number, digits: number) => (Number.isFinite(v) ? v.toFixed(digits) : 'n/a')
const ms = (v: number) => (v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${v.toFixed(v >= 100 ? 0 : 1)} ms`)

function table(rows: string[][]): string {
  const widths = rows[0].map((_, col) => Math.max(...rows.map((r) => r[col].length)))
  return rows
    .map((r) =>
      r.map((cell, col) => (col === 0 ? cell.padEnd(widths[col]) : cell.padStart(widths[col]))).join('  ')
    )
    .join('\n')
}

/** Which backward-pass recomputations a training row ran with: blocks, the logits chunks, both, or none. */
function recomputed(r: CaseResult): string {
  if (r.kind !== 'train') return ''
  const parts = [r.recomputeBlocks ? 'blocks' : '', r.lossSettings?.recompute ? 'logits' : ''].filter(Boolean)
  return parts.length > 0 ? parts.join('+') : 'none'
}

function row(r: CaseResult): string[] {
  return [
    r.case,
    r.backend,
    String(r.workers ?? 1),
    recomputed(r),
    fixed(r.tokensPerS, 1),
    fixed(r.fastestTokensPerS, 1),
    r.singleWorker === undefined ? '' : fixed(r.singleWorker.tokensPerS, 1),
    r.speedup === undefined ? '' : `${fixed(r.speedup, 2)}×`,
    ms(r.stepMs),
    ms(r.fastestStepMs),
    ms(r.cpuMs),
    fixed(r.cpuShare, 2),
    fixed(r.tokensPerCpuS, 1),
    mib(r.peakRssBytes ?? r.peakRssSampledBytes),
    r.memoryEstimateBytes === undefined ? '' : mib(r.memoryEstimateBytes),
    mib(r.tfPeakBytes),
    r.tensorEstimateBytes === undefined ? '' : mib(r.tensorEstimateBytes),
    fixed(r.flopsPerStep / 1e9, r.flopsPerStep >= 1e10 ? 0 : 2),
    fixed(r.achievedGflops, 2),
    fixed(r.matMul.gflopsWall, 1),
    fixed(r.efficiency, 2),
    fixed(r.efficiencyCpu, 2)
  ]
}

const HEADER = [
  'case',
  'backend',
  'workers',
  'recompute',
  'tokens/s',
  'fastest tokens/s',
  '1-worker tokens/s',
  'speed-up',
  'step (median)',
  'fastest step',
  'CPU/step',
  'CPU share',
  'tokens/CPU-s',
  'peak RSS',
  'est. RSS',
  'tf peak',
  'est. tensors',
  'GFLOP/step',
  'GFLOP/s',
  'matMul GFLOP/s',
  'efficiency',
  'eff. (CPU)'
]

function profileLines(r: CaseResult): string[] {
  const p = r.profile
  if (!p) return []
  const rows = [['  kernel', 'calls', 'total', 'share']]
  for (const k of p.kernels)
    rows.push([`  ${k.kernel}`, String(k.calls), ms(k.totalMs), `${(100 * k.share).toFixed(1)}%`])
  rows.push([
    '  (outside kernels: JS, tape, allocation)',
    '',
    ms(p.outsideKernelsMs),
    `${((100 * p.outsideKernelsMs) / p.stepMs).toFixed(1)}%`
  ])
  const shapes = [['  matMul by input shapes (no transpose flags recorded)', 'calls', 'total', 'share']]
  for (const k of p.matMulShapes) {
    shapes.push([`  ${k.kernel}`, String(k.calls), ms(k.totalMs), `${(100 * k.share).toFixed(1)}%`])
  }
  return [
    `${r.case}: profile of one ${r.kind === 'train' ? 'step' : 'generate call (32 tokens)'}, ${ms(p.stepMs)} with the profiler on`,
    table(rows),
    ...(shapes.length > 1 ? [table(shapes)] : [])
  ]
}

function notes(r: CaseResult): string[] {
  const lines: string[] = []
  if (r.kind === 'generate' && r.prefillMs !== undefined) {
    lines.push(
      `${r.case}: prefill of ${r.promptTokens} tokens ${ms(r.prefillMs)} (${fixed(r.prefillGflops ?? Number.NaN, 2)} GFLOP/s), ` +
        `then ${fixed(r.tokensPerS, 1)} tokens/s for ${r.newTokens} new tokens (step = time per token)`
    )
  }
  if (r.lossSettings?.chunkTokens !== undefined) {
    lines.push(`${r.case}: loss settings ${JSON.stringify(r.lossSettings)}`)
  }
  if (r.leakedTensorsPerStep !== 0) lines.push(`${r.case}: ${r.leakedTensorsPerStep} tensors leaked per step`)
  if (r.peakRssBytes === null) lines.push(`${r.case}: peak RSS sampled between steps only (no /proc here)`)
  return lines
}

const IMPORT_HEADER = ['case', 'file', 'records', 'time', 'MB/s', 'records/s', 'peak RSS', 'RSS growth']

function importRow(r: ImportCaseResult): string[] {
  return [
    r.case,
    `${(r.fileBytes / 2 ** 20).toFixed(0)} MB`,
    String(r.records),
    `${r.seconds.toFixed(1)} s`,
    fixed(r.mbPerS, 2),
    fixed(r.recordsPerS, 0),
    mib(r.peakRssBytes),
    mib(r.peakGrowthBytes)
  ]
}

/**
 * PyTorch's two runs around a case as a range, and our fastest step against PyTorch's fastest (medians
 * swing with the host's load; the fastest step is the closest either side gets to its real speed).
 */
export function torchLine(t: TorchReference, results: readonly CaseResult[]): string {
  if (t.skipped !== null || t.fastestTokensPerS === null) {
    return `PyTorch reference (${t.case}): skipped — ${t.skipped ?? 'no run'}`
  }
  const fastest = t.runs.map((r) => r.fastestTokensPerS)
  const low = Math.min(...fastest)
  const range = t.runs.length > 1 ? `${fixed(low, 1)}–${fixed(t.fastestTokensPerS, 1)}` : fixed(low, 1)
  const runs = t.runs
    .map(
      (r) =>
        `${r.when}: fastest ${fixed(r.fastestTokensPerS, 1)}, median ${fixed(r.tokensPerS, 1)} tokens/s` +
        (r.prefillS === undefined ? '' : `, prefill ${ms(r.prefillS * 1000)}`) +
        (r.cpuStepS === undefined ? '' : `, ${ms(r.cpuStepS * 1000)} CPU per step`)
    )
    .join('; ')
  const ours = results.find((r) => r.case === t.case)
  const against = (v: number) => fixed(ours === undefined ? Number.NaN : ours.fastestTokensPerS / v, 2)
  const cpuSteps = t.runs.flatMap((r) => (r.cpuStepS === undefined ? [] : [r.cpuStepS]))
  // By CPU time (tokens per CPU second, PyTorch's best run): what a busy host's waits leave out.
  const byCpu =
    ours === undefined || cpuSteps.length === 0
      ? ''
      : `; by CPU time ${fixed(ours.tokensPerCpuS * Math.min(...cpuSteps), 2)}`
  const ratio =
    ours === undefined
      ? ''
      : ` — ours/PyTorch by fastest steps = ${against(t.fastestTokensPerS)}` +
        (t.runs.length > 1 ? ` (${against(low)} against PyTorch's slower run)` : '') +
        byCpu
  // Generation's step is one run's time per decoded token, on both sides.
  const decoding = t.runs.some((r) => r.prefillS !== undefined) ? ', step = time per decoded token' : ''
  return `PyTorch reference (${t.case}${decoding}): fastest step ${range} tokens/s over ${t.runs.length} run${t.runs.length === 1 ? '' : 's'} (${runs})${ratio}`
}

export function formatReport(report: BenchReport): string {
  const out: string[] = []
  if (report.imports.length > 0) {
    out.push(table([IMPORT_HEADER, ...report.imports.map(importRow)]))
    out.push(
      'peak RSS = VmHWM during the import; growth = over the RSS just before it (store and tokenizer open)'
    )
  }
  if (report.results.length > 0) {
    out.push(table([HEADER, ...report.results.map(row)]))
    for (const r of report.results) out.push(...notes(r))
    const m = report.results[0].matMul
    out.push(
      `matMul probe ${m.shape} (plain 2-D, fastest of ${m.samples} before and after each case` +
        `${m.productsPerSample > 1 ? `, ${m.productsPerSample} queued per read` : ''}): ` +
        `${ms(m.wallMs)} wall (median ${ms(m.medianWallMs)}), ${ms(m.cpuMs)} CPU; ` +
        'efficiency = achieved GFLOP/s of the step ÷ (workers × that matMul GFLOP/s); ' +
        'CPU share = CPU time of all threads ÷ wall time (below the worker count: the machine was busy)'
    )
    for (const r of report.results) {
      const lines = profileLines(r)
      if (lines.length > 0) out.push('', ...lines)
    }
  }
  for (const t of report.torch) out.push(torchLine(t, report.results))
  for (const f of report.failures) out.push(`FAILED ${f.case}: ${f.error}`)
  return out.join('\n')
}
