// The PyTorch anchor of a bench case, run right before and right after it on the same machine (a noisy host
// swings between runs) when a Python with torch is present, otherwise saying how to install it: training
// cases time tools/pytorch/torch_lora_bench.py's step, generate cases torch_generate_bench.py's greedy decoding.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { benchLayout } from './bench-layout'
import type { TorchScript } from './bench-layout'
import type { TorchReference, TorchRun } from './case-result'
import { defaultRepeats } from './cases'
import type { BenchCase, GenerateCase } from './cases'
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

/** The LoRA targets as module paths inside one layer (`attn.c_attn`, `self_attn.q_proj`), from layer 0's hits. */
function layerTargets(c: BenchCase): string {
  const inLayer = /^(?:h|model\.layers)\.0\.(.+)$/
  return loraTargetModules(c.config, c.lora)
    .flatMap((m) => inLayer.exec(m.name)?.[1] ?? [])
    .join(',')
}

/** The script's model arguments for the case's architecture (`--embd` is hidden_size on the Llama families). */
function modelArgs(c: BenchCase): (string | number)[] {
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

/** Greedy decoding's workload; torch_generate_bench.py decodes GPT-2 (every generate case is one). */
function generateArgs(c: GenerateCase, repeats: number): (string | number)[] {
  const m = c.config
  if (m.modelType !== 'gpt2') throw new Error(`${c.name}: torch_generate_bench.py decodes GPT-2 only`)
  return ['--positions', m.nPositions, '--prompt', c.promptTokens, '--new', c.newTokens, '--repeats', repeats]
}

/** The script's arguments for the case's architecture, LoRA and workload: the same work as our case does. */
export function torchArgs(c: BenchCase, repeats: number, device: string): string[] {
  const work =
    c.kind === 'train'
      ? ['--seq', c.seqLen, '--batch', c.batch, '--steps', repeats, '--masked-prefix', c.maskedPrefix ?? 0]
      : generateArgs(c, repeats)
  return [
    ...modelArgs(c),
    ...['--r', c.lora.r, '--alpha', c.lora.alpha, '--targets', layerTargets(c)],
    ...work,
    '--device',
    device
  ].map(String)
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
