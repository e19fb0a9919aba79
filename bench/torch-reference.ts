// The PyTorch anchor for training cases: tools/pytorch/torch_lora_bench.py run back to back with our
// case on the same machine, when a Python with torch is present; otherwise says how to install it.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { benchLayout } from './bench-layout'
import type { TorchReference } from './case-result'
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

/**
 * Runs the script with the case's architecture and step count on `device` (cpu, or cuda for the same
 * step on an NVIDIA GPU); parses "step X s, Y tokens/s".
 */
export function runTorchReference(
  c: TrainCase,
  steps: number,
  device: string,
  python: string | null
): TorchReference {
  const skipped = (why: string): TorchReference => ({
    case: c.name,
    tokensPerS: null,
    stepS: null,
    line: '',
    skipped: why
  })
  const script = benchLayout().torchScript()
  if (!existsSync(script)) return skipped(`${script} not found (set LORA_STUDIO_TORCH_BENCH to its path)`)
  if (python === null) return skipped(`torch is not installed; install it with: ${INSTALL_HINT}`)
  const a = c.arch
  const args = [
    script,
    ...['--layers', a.nLayer, '--embd', a.nEmbd, '--heads', a.nHead, '--vocab', a.vocabSize],
    ...['--seq', c.seqLen, '--batch', c.batch, '--steps', steps, '--r', c.lora.r, '--device', device]
  ].map(String)
  const run = spawnSync(python, args, { encoding: 'utf8', timeout: 1_800_000 })
  const out = `${run.stdout ?? ''}`.trim()
  const m = /step ([\d.]+)s, ([\d.]+) tokens\/s/.exec(out)
  if (run.status !== 0 || m === null) {
    return skipped(
      `torch_lora_bench.py failed (exit ${run.status}): ${`${run.stderr ?? ''}`.trim().split('\n').pop() ?? ''}`
    )
  }
  return {
    case: c.name,
    stepS: Number(m[1]),
    tokensPerS: Number(m[2]),
    line: out.split('\n').pop() ?? out,
    skipped: null
  }
}
