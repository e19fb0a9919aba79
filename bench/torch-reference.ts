// The PyTorch anchor for training cases: tools/pytorch/torch_lora_bench.py run right before and right after
// our case on the same machine (a noisy host swings between runs), when a Python with torch is present;
// otherwise says how to install it.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { benchLayout } from './bench-layout'
import type { TorchReference, TorchRun } from './case-result'
import type { TrainCase } from './cases'
import { loraTargetModules } from '../src/engine/model/lora'

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

/** The LoRA targets as module paths inside one layer (`attn.c_attn`, `self_attn.q_proj`), from layer 0's hits. */
function layerTargets(c: TrainCase): string {
  const inLayer = /^(?:h|model\.layers)\.0\.(.+)$/
  return loraTargetModules(c.config, c.lora)
    .flatMap((m) => inLayer.exec(m.name)?.[1] ?? [])
    .join(',')
}

/** The script's model arguments for the case's architecture (`--embd` is hidden_size on the Llama families). */
function modelArgs(c: TrainCase): (string | number)[] {
  const m = c.config
  if (m.modelType === 'gpt2') {
    return ['--layers', m.nLayer, '--embd', m.nEmbd, '--heads', m.nHead, '--vocab', m.vocabSize]
  }
  return [
    ...['--arch', m.modelType, '--layers', m.numHiddenLayers, '--embd', m.hiddenSize],
    ...['--heads', m.numAttentionHeads, '--kv-heads', m.numKeyValueHeads, '--head-dim', m.headDim],
    ...['--inter', m.intermediateSize, '--vocab', m.vocabSize, '--theta', m.ropeTheta],
    ...(m.tieWordEmbeddings ? [] : ['--untied'])
  ]
}

/** The script's arguments for the case: its architecture, LoRA, batch and step count on `device`. */
export function torchArgs(c: TrainCase, steps: number, device: string): string[] {
  return [
    ...modelArgs(c),
    ...['--r', c.lora.r, '--alpha', c.lora.alpha, '--targets', layerTargets(c)],
    ...['--seq', c.seqLen, '--batch', c.batch, '--steps', steps, '--device', device],
    ...['--masked-prefix', c.maskedPrefix ?? 0]
  ].map(String)
}

/**
 * Runs the script once with the case's architecture, LoRA and step count on `device` (cpu, or cuda for the
 * same step on an NVIDIA GPU); parses its median and fastest step, or says why it failed.
 */
export function runTorchOnce(
  c: TrainCase,
  steps: number,
  device: string,
  python: string,
  when: TorchRun['when']
): TorchRun | string {
  const run = spawnSync(python, [benchLayout().torchScript(), ...torchArgs(c, steps, device)], {
    encoding: 'utf8',
    timeout: 1_800_000
  })
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
