// The PyTorch anchor for training cases: tools/pytorch/torch_lora_bench.py run right before and right after
// our case on the same machine (a noisy host swings between runs), when a Python with torch is present;
// otherwise says how to install it.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { benchLayout } from './bench-layout'
import type { TorchReference, TorchRun } from './case-result'
import type { TrainCase } from './cases'

const INSTALL_HINT = 'apt-get install python3-torch libopenblas0-pthread'

/** A python that imports torch: Debian's /usr/bin/python3 first (pyenv shims may hide its packages). */
export function findTorchPython(): string | null {
  for (const python of ['/usr/bin/python3', 'python3']) {
    const probe = spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore', timeout: 60_000 })
    if (probe.status === 0) return python
  }
  return null
}

/** The median and fastest step from the script's last line, or null when it has neither. */
export function parseTorchLine(out: string): Omit<TorchRun, 'when' | 'line'> | null {
  const median = /step ([\d.]+)s, ([\d.]+) tokens\/s/.exec(out)
  const fastest = /fastest step ([\d.]+)s, ([\d.]+) tokens\/s/.exec(out)
  if (median === null || fastest === null) return null
  return {
    stepS: Number(median[1]),
    tokensPerS: Number(median[2]),
    fastestStepS: Number(fastest[1]),
    fastestTokensPerS: Number(fastest[2])
  }
}

/** Why PyTorch cannot run here, or null when it can. */
export function torchUnavailable(python: string | null): string | null {
  const script = benchLayout().torchScript()
  if (!existsSync(script)) return `${script} not found (set LORA_STUDIO_TORCH_BENCH to its path)`
  if (python === null) return `torch is not installed; install it with: ${INSTALL_HINT}`
  return null
}

/**
 * Runs the script once with the case's architecture and step count on `device` (cpu, or cuda for the
 * same step on an NVIDIA GPU); parses its median and fastest step, or says why it failed.
 */
export function runTorchOnce(
  c: TrainCase,
  steps: number,
  device: string,
  python: string,
  when: TorchRun['when']
): TorchRun | string {
  const a = c.arch
  const args = [
    benchLayout().torchScript(),
    ...['--layers', a.nLayer, '--embd', a.nEmbd, '--heads', a.nHead, '--vocab', a.vocabSize],
    ...['--seq', c.seqLen, '--batch', c.batch, '--steps', steps, '--r', c.lora.r, '--device', device],
    ...['--masked-prefix', c.maskedPrefix ?? 0]
  ].map(String)
  const run = spawnSync(python, args, { encoding: 'utf8', timeout: 1_800_000 })
  const out = `${run.stdout ?? ''}`.trim()
  const parsed = parseTorchLine(out)
  if (run.status !== 0 || parsed === null) {
    return `torch_lora_bench.py failed (exit ${run.status}): ${`${run.stderr ?? ''}`.trim().split('\n').pop() ?? ''}`
  }
  return { when, ...parsed, line: out.split('\n').pop() ?? out }
}

/** The reference from the runs before and after a case (a failed run is left out; none: skipped). */
export function torchReference(c: TrainCase, outcomes: (TorchRun | string)[]): TorchReference {
  const runs = outcomes.filter((o): o is TorchRun => typeof o !== 'string')
  const failures = outcomes.filter((o): o is string => typeof o === 'string')
  if (runs.length === 0) {
    return { case: c.name, runs, fastestTokensPerS: null, skipped: failures[0] ?? 'PyTorch did not run' }
  }
  return {
    case: c.name,
    runs,
    fastestTokensPerS: Math.max(...runs.map((r) => r.fastestTokensPerS)),
    skipped: null
  }
}
