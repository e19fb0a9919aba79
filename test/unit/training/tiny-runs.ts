// What the training tests share: random tokenized JSONL for the tiny fixture model, a short run on it
// with every dropout on, how far two runs' losses and adapters lie apart, and the PyTorch fixture's
// initial LoRA weights.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadDecoderFolder } from '../../../src/engine/formats/decoder-folder'
import { readSafetensors } from '../../../src/engine/formats/safetensors'
import { Rng } from '../../../src/engine/generation/rng'
import type { LoraWeightArrays } from '../../../src/engine/model/lora'
import { readPeftAdapter } from '../../../src/engine/training/peft-adapter'
import { runTraining } from '../../../src/engine/training/train-run'
import { resolveRunConfig } from '../../../src/shared/runs'
import type { RunConfigPatchValues, RunConfigValues } from '../../../src/shared/runs'
import type { TrainProgress } from '../../../src/shared/training-protocol'
import { tinyModelDir } from '../engine/fixtures-dir'

export const tinyModelFolder = join(tinyModelDir, 'model')

/** `count` records of minLength + [0, spread) ids below 999, the first `promptLength` labels -100. */
export function writeRandomRecords(
  file: string,
  o: { seed: number; count: number; minLength: number; spread: number; promptLength: number }
): void {
  const rng = new Rng(o.seed)
  const lines: string[] = []
  for (let i = 0; i < o.count; i++) {
    const ids = Array.from({ length: o.minLength + rng.nextInt(o.spread) }, () => rng.nextInt(999))
    const labels = ids.map((id, t) => (t < o.promptLength ? -100 : id))
    lines.push(JSON.stringify({ input_ids: ids, labels }))
  }
  writeFileSync(file, lines.join('\n') + '\n')
}

/** Quick-test runs of 3-row micro-batches × 2 with LoRA r 4 (dropout 0.1) on attention and c_fc; `patch` on top. */
export function tinyTrainConfig(trainFile: string, patch: RunConfigPatchValues): RunConfigValues {
  return resolveRunConfig('quick-test', {
    baseModel: tinyModelFolder,
    data: { kind: 'file', path: trainFile },
    maxLength: 32,
    batchSize: 3,
    gradientAccumulation: 2,
    learningRate: 5e-3,
    saveEvery: 100,
    lora: { r: 4, alpha: 8, dropout: 0.1, targetModules: ['attn.c_attn', 'attn.c_proj', 'mlp.c_fc'] },
    ...patch
  })
}

export interface TinyRun {
  losses: number[]
  /** Workers the run reported when it started. */
  workers: number
  adapter: Map<string, LoraWeightArrays>
  peakTfBytes: number
}

/** A completed run of tinyTrainConfig(trainFile, patch) (patch.baseModel: any decoder family), and its adapter folder. */
export async function trainTiny(
  trainFile: string,
  runDir: string,
  runId: number,
  patch: RunConfigPatchValues
): Promise<TinyRun & { adapterPath: string }> {
  const config = tinyTrainConfig(trainFile, patch)
  const events: TrainProgress[] = []
  const out = await runTraining(
    { runId, runDir, config, trainFile, validationFile: null, resumeFrom: null },
    (p) => events.push(p)
  )
  if (out.status !== 'completed') throw new Error(`run ${runId} ended ${out.status}: ${out.message}`)
  const started = events.find((e) => e.kind === 'started')
  const adapter = await readPeftAdapter(out.adapterPath!, (await loadDecoderFolder(config.baseModel)).config)
  return {
    adapterPath: out.adapterPath!,
    losses: events.flatMap((e) =>
      e.kind === 'metric' && e.metric.trainLoss !== null ? [e.metric.trainLoss] : []
    ),
    workers: started?.kind === 'started' ? started.workers : 0,
    adapter: adapter.modules,
    peakTfBytes: out.peakTfBytes
  }
}

/** Largest |Δ| between two runs' per-step losses and between their adapters' weights. */
export function runDifference(a: TinyRun, b: TinyRun): { loss: number; weight: number } {
  let loss = 0
  let weight = 0
  a.losses.forEach((l, i) => (loss = Math.max(loss, Math.abs(l - b.losses[i]))))
  for (const [name, w] of a.adapter) {
    const o = b.adapter.get(name)!
    w.a.forEach((v, i) => (weight = Math.max(weight, Math.abs(v - o.a[i]))))
    w.b.forEach((v, i) => (weight = Math.max(weight, Math.abs(v - o.b[i]))))
  }
  return { loss, weight }
}

/** The LoRA A/B weights PyTorch initialised the fixture's adapter with (reference.safetensors `init.*`). */
export async function referenceInitLora(): Promise<Map<string, LoraWeightArrays>> {
  const { tensors } = await readSafetensors(join(tinyModelDir, 'reference.safetensors'))
  const modules = new Map<string, LoraWeightArrays>()
  for (const [key, t] of tensors) {
    const m = /^init\.(.+)\.lora_([AB])\.weight$/.exec(key)
    if (!m) continue
    const pair = modules.get(m[1]) ?? { a: new Float32Array(0), b: new Float32Array(0) }
    pair[m[2] === 'A' ? 'a' : 'b'] = t.data as Float32Array
    modules.set(m[1], pair)
  }
  return modules
}
