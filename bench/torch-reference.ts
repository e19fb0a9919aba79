// The PyTorch anchor of a bench case, run right before and right after it on the same machine (a noisy host
// swings between runs) when a Python with torch is present, otherwise saying how to install it: training
// cases time tools/pytorch/torch_lora_bench.py's step, generate cases torch_generate_bench.py's greedy decoding.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { benchLayout } from './bench-layout'
import type { TorchScript } from './bench-layout'
import type { TorchReference, TorchRun } from './case-result'
import { defaultRepeats } from './cases'
import type { BenchCase } from './cases'

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
 * The median and fastest step from a script's last line (torch_generate_bench.py's step is the time per
 * decoded token, and it gives the prefill and the CPU time per step too), or null when it has neither.
 */
export function parseTorchLine(out: string): Omit<TorchRun, 'when' | 'line'> | null {
  const median = /step ([\d.]+)s, ([\d.]+) tokens\/s/.exec(out)
  const fastest = /fastest step ([\d.]+)s, ([\d.]+) tokens\/s/.exec(out)
  if (median === null || fastest === null) return null
  const prefill = /prefill ([\d.]+)s/.exec(out)
  const cpu = /CPU per step ([\d.]+)s/.exec(out)
  return {
    stepS: Number(median[1]),
    tokensPerS: Number(median[2]),
    fastestStepS: Number(fastest[1]),
    fastestTokensPerS: Number(fastest[2]),
    ...(prefill === null ? {} : { prefillS: Number(prefill[1]) }),
    ...(cpu === null ? {} : { cpuStepS: Number(cpu[1]) })
  }
}

/** The script that times a case in PyTorch: the training step, or greedy decoding with a KV cache. */
export function torchScriptOf(c: BenchCase): TorchScript {
  return c.kind === 'train' ? 'torch_lora_bench.py' : 'torch_generate_bench.py'
}

/** Why PyTorch cannot run `script` here, or null when it can. */
export function torchUnavailable(python: string | null, script: TorchScript): string | null {
  const path = benchLayout().torchScript(script)
  if (!existsSync(path))
    return `${path} not found (set LORA_STUDIO_TORCH_BENCH to torch_lora_bench.py beside it)`
  if (python === null) return `torch is not installed; install it with: ${INSTALL_HINT}`
  return null
}

/** The script's arguments for the case's architecture and workload: the same work as our case does. */
export function torchArgs(c: BenchCase, repeats: number, device: string): string[] {
  const a = c.arch
  const model = ['--layers', a.nLayer, '--embd', a.nEmbd, '--heads', a.nHead, '--vocab', a.vocabSize]
  const work =
    c.kind === 'train'
      ? ['--seq', c.seqLen, '--batch', c.batch, '--steps', repeats, '--masked-prefix', c.maskedPrefix ?? 0]
      : [
          ...['--positions', a.nPositions, '--prompt', c.promptTokens, '--new', c.newTokens],
          ...['--repeats', repeats, '--alpha', c.lora.alpha, '--targets', c.lora.targetModules.join(',')]
        ]
  return [...model, ...work, '--r', c.lora.r, '--device', device].map(String)
}

/**
 * Runs the case's script once on `device` (cpu, or cuda for the same work on an NVIDIA GPU), as many
 * steps or generate runs as our case times (`repeats`, default the case's); parses its median and
 * fastest step, or says why it failed.
 */
export function runTorchOnce(
  c: BenchCase,
  repeats: number | undefined,
  device: string,
  python: string,
  when: TorchRun['when']
): TorchRun | string {
  const script = torchScriptOf(c)
  const args = [benchLayout().torchScript(script), ...torchArgs(c, repeats ?? defaultRepeats(c), device)]
  const run = spawnSync(python, args, { encoding: 'utf8', timeout: 1_800_000 })
  const out = `${run.stdout ?? ''}`.trim()
  const parsed = parseTorchLine(out)
  if (run.status !== 0 || parsed === null) {
    return `${script} failed (exit ${run.status}): ${`${run.stderr ?? ''}`.trim().split('\n').pop() ?? ''}`
  }
  return { when, ...parsed, line: out.split('\n').pop() ?? out }
}

/** The reference from the runs before and after a case (a failed run is left out; none: skipped). */
export function torchReference(c: BenchCase, outcomes: (TorchRun | string)[]): TorchReference {
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
