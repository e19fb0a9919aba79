// A training run with gradientCheckpointing (blocks and logits recomputed in the backward pass, on the
// training thread and in a data-parallel worker) against the same run without: the same losses and
// adapter, every dropout on, on the tiny fixture model (wasm).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadHfModelFolder } from '../../../src/engine/formats/hf-model-folder'
import { Rng } from '../../../src/engine/generation/rng'
import { readPeftAdapter } from '../../../src/engine/training/peft-adapter'
import { runTraining } from '../../../src/engine/training/train-run'
import { computeOptionsFor } from '../../../src/engine/training/trainer'
import { resolveRunConfig, runDefaults, storedRunConfig } from '../../../src/shared/runs'
import type { TrainProgress } from '../../../src/shared/training-protocol'
import { fixtureMissing, tinyModelDir } from '../engine/fixtures-dir'

const work = mkdtempSync(join(tmpdir(), 'checkpointing-'))
const modelDir = join(tinyModelDir, 'model')
const trainFile = join(work, 'train.jsonl')

beforeAll(() => {
  process.env.LORA_STUDIO_BACKEND = 'wasm'
  const rng = new Rng(11)
  const lines: string[] = []
  for (let i = 0; i < 12; i++) {
    const ids = Array.from({ length: 8 + rng.nextInt(16) }, () => rng.nextInt(999))
    lines.push(JSON.stringify({ input_ids: ids, labels: ids.map((id, t) => (t < 2 ? -100 : id)) }))
  }
  writeFileSync(trainFile, lines.join('\n') + '\n')
})
afterAll(() => rmSync(work, { recursive: true, force: true }))

describe('the gradientCheckpointing setting', () => {
  it('is off by default, also for configs stored before it existed, and asks for both recomputations', () => {
    expect(runDefaults.gradientCheckpointing).toBe(false)
    const { gradientCheckpointing: _omitted, ...older } = {
      ...runDefaults,
      baseModel: 'gpt2',
      data: { kind: 'dataset', id: 1 }
    }
    expect(storedRunConfig(older).gradientCheckpointing).toBe(false)
    expect(computeOptionsFor({ gradientCheckpointing: false })).toEqual({})
    expect(computeOptionsFor({ gradientCheckpointing: true })).toEqual({
      recomputeBlocks: true,
      loss: { recompute: true }
    })
  })
})

describe.skipIf(fixtureMissing(tinyModelDir))('training with gradient checkpointing', () => {
  async function train(gradientCheckpointing: boolean, workers: number) {
    const events: TrainProgress[] = []
    const runId = (gradientCheckpointing ? 10 : 20) + workers
    const config = resolveRunConfig('quick-test', {
      baseModel: modelDir,
      data: { kind: 'file', path: trainFile },
      maxLength: 32,
      batchSize: 3,
      gradientAccumulation: 2,
      maxSteps: 4,
      learningRate: 5e-3,
      saveEvery: 100,
      lora: { r: 4, alpha: 8, dropout: 0.1, targetModules: ['attn.c_attn', 'attn.c_proj', 'mlp.c_fc'] },
      workers,
      gradientCheckpointing
    })
    const out = await runTraining(
      {
        runId,
        runDir: join(work, `run-${runId}`),
        config,
        trainFile,
        validationFile: null,
        resumeFrom: null
      },
      (p) => events.push(p)
    )
    expect(out.status).toBe('completed')
    const losses = events.flatMap((e) =>
      e.kind === 'metric' && e.metric.trainLoss !== null ? [e.metric.trainLoss] : []
    )
    const adapter = await readPeftAdapter(out.adapterPath!, (await loadHfModelFolder(modelDir)).config)
    return { losses, adapter, peakTfBytes: out.peakTfBytes }
  }

  it('gives the same losses and adapter as without, on one worker and on two', async () => {
    const plain = await train(false, 1)
    const runs = [await train(true, 1), await train(true, 2)]
    expect(plain.losses).toHaveLength(4)
    let maxLoss = 0
    let maxWeight = 0
    for (const r of runs) {
      r.losses.forEach((l, i) => (maxLoss = Math.max(maxLoss, Math.abs(l - plain.losses[i]))))
      for (const [name, w] of plain.adapter.modules) {
        const o = r.adapter.modules.get(name)!
        w.a.forEach((v, i) => (maxWeight = Math.max(maxWeight, Math.abs(v - o.a[i]))))
        w.b.forEach((v, i) => (maxWeight = Math.max(maxWeight, Math.abs(v - o.b[i]))))
      }
    }
    console.log(
      `checkpointing vs plain: max |Δloss| ${maxLoss.toExponential(2)}, max |Δweight| ${maxWeight.toExponential(2)}; ` +
        `tf peak ${plain.peakTfBytes} → ${runs[0].peakTfBytes} bytes (1 worker)`
    )
    expect(maxLoss).toBeLessThanOrEqual(1e-5)
    expect(maxWeight).toBeLessThan(1e-6)
    expect(plain.losses[3]).toBeLessThan(plain.losses[0])
  })
})
