// A training config held against a WebGPU adapter's limits before the run starts: the largest tensor of a step
// against maxStorageBufferBindingSize / maxBufferSize (WebGPU has no total-memory limit to check), refused with
// the field to change, the bytes it needs and the bytes there are. Adapters are fakes with chosen limits.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { parseGpt2Config } from '../../../src/engine/formats/hf-config'
import { gpuFit, withGpuFit } from '../../../src/engine/training/gpu-fit'
import { estimateRun, largestStepTensor } from '../../../src/engine/training/memory-estimate'
import type { EstimateOptions } from '../../../src/engine/training/memory-estimate'
import { createEventBus } from '../../../src/main/event-bus'
import { createRunService } from '../../../src/main/runs/run-service'
import type { EngineCaller } from '../../../src/main/runs/run-service'
import { openStore } from '../../../src/main/store/store'
import type { Store } from '../../../src/main/store/store'
import { ServiceError } from '../../../src/shared/errors'
import { gpuFitRefusal } from '../../../src/shared/gpu-fit-refusal'
import type { RunEstimate } from '../../../src/shared/runs'
import type { GpuAdapterInfo } from '../../../src/shared/system'
import { tinyModelDir } from '../engine/fixtures-dir'

const MiB = 2 ** 20
const gpt2 = parseGpt2Config(
  { n_layer: 12, n_embd: 768, n_head: 12, n_positions: 1024, vocab_size: 50257 },
  'gpt2'
)
const lora = { r: 16, alpha: 32, targetModules: ['attn.c_attn', 'attn.c_proj'], dropout: 0.1, rsLora: false }
const opts = (batchSize: number, seqLength: number): EstimateOptions => ({
  batchSize,
  seqLength,
  lora,
  logitsChunkTokens: 256
})

function adapter(bindingMiB: number, bufferMiB = 4096): GpuAdapterInfo {
  return {
    vendor: 'mesa',
    architecture: 'software',
    device: 'llvmpipe',
    description: 'llvmpipe: Mesa 25',
    software: true,
    maxStorageBufferBindingSize: bindingMiB * MiB,
    maxBufferSize: bufferMiB * MiB
  }
}

function fitOf(batch: number, seq: number, a: GpuAdapterInfo, config = gpt2) {
  const o = opts(batch, seq)
  const e = estimateRun(config, o)
  return withGpuFit(e, config, o, a).gpu!
}

describe('largest tensor of a step', () => {
  it("is GPT-2's MLP activations [b·t, 3072] once a step has more tokens than the model is wide", () => {
    expect(largestStepTensor(gpt2, opts(8, 1024))).toEqual({
      name: 'MLP activations',
      shape: [8192, 3072],
      bytes: 8192 * 3072 * 4
    })
    // 16 tokens: the frozen c_fc matrix [768, 3072] is larger than any activation.
    expect(largestStepTensor(gpt2, opts(1, 16)).name).toBe('frozen MLP weight')
  })
})

describe('GPU fit', () => {
  it('passes batch 8 × 1024 on a 128 MiB binding and says the total is not checked', () => {
    const fit = fitOf(8, 1024, adapter(128))
    expect(fit.fits).toBe(true)
    expect(fit.problem).toBeNull()
    expect(fit.limitBytes).toBe(128 * MiB)
    expect(fit.largestTensor.bytes).toBe(96 * MiB)
    expect(fit.adapter).toMatch(/^mesa software \(llvmpipe: Mesa 25\), software, storage binding ≤ 128 MiB/)
    expect(fit.note).toMatch(/WebGPU does not report how much memory the GPU has/)
  })

  it('refuses batch 16 × 1024 on the batch size, with the bytes needed, the bytes there are and the batch that fits', () => {
    const fit = fitOf(16, 1024, adapter(128))
    expect(fit.fits).toBe(false)
    expect(fit.problem?.path).toBe('batchSize')
    expect(fit.problem?.message).toBe(
      'Batch size 16 does not fit this GPU: a step of batch 16 × 1024 tokens makes a 192.0 MiB tensor ' +
        '(MLP activations [16384, 3072]), but mesa software (llvmpipe: Mesa 25), software, storage binding ≤ 128 MiB, ' +
        'buffer ≤ 4 GiB holds at most 128.0 MiB in one tensor (WebGPU maxStorageBufferBindingSize / maxBufferSize). ' +
        'Use batch size 10 or less (gradient accumulation keeps the effective batch)'
    )
    // 10 × 1024 × 3072 × 4 bytes = 120 MiB fits; 11 would be 132 MiB.
    expect(fitOf(10, 1024, adapter(128)).fits).toBe(true)
    expect(fitOf(11, 1024, adapter(128)).fits).toBe(false)
  })

  it('holds the estimate against the smaller of the binding and the buffer limit', () => {
    const fit = fitOf(8, 1024, adapter(2048, 64))
    expect(fit.limitBytes).toBe(64 * MiB)
    expect(fit.fits).toBe(false)
    expect(fit.problem?.message).toMatch(/Use batch size 5 or less/)
  })

  it('asks for a shorter max length when even batch 1 is too large', () => {
    const fit = fitOf(1, 1024, adapter(8))
    expect(fit.problem?.path).toBe('maxLength')
    // 8 MiB ÷ (3072 floats × 4 bytes a token) = 682 tokens.
    expect(fit.problem?.message).toMatch(
      /^Max length 1024 does not fit this GPU even at batch size 1: .*Use max length 682 or less$/
    )
  })

  it('blames the model when one of its own matrices is larger than the GPU holds', () => {
    const fit = fitOf(1, 16, adapter(8))
    expect(fit.problem?.path).toBe('baseModel')
    expect(fit.problem?.message).toMatch(
      /^This model does not fit this GPU: .*9\.0 MiB tensor \(frozen MLP weight \[768, 3072\]\)/
    )
  })

  it('adds nothing off a GPU backend', () => {
    const e = estimateRun(gpt2, opts(16, 1024))
    expect(withGpuFit(e, gpt2, opts(16, 1024), undefined)).toBe(e)
    expect(gpuFitRefusal(e)).toBeNull()
  })

  it('turns a failed fit into an invalid_input error on the config field', () => {
    const e = estimateRun(gpt2, opts(16, 1024))
    const refusal = gpuFitRefusal(withGpuFit(e, gpt2, opts(16, 1024), adapter(128)))
    expect(refusal).toBeInstanceOf(ServiceError)
    expect(refusal?.code).toBe('invalid_input')
    expect(refusal?.issues).toEqual([{ path: 'config.batchSize', message: refusal?.message }])
    expect(
      gpuFit(
        { batchSize: 1, seqLength: 1, largestTensor: { name: 'x', shape: [1], bytes: 4 }, totalBytes: 4 },
        adapter(1)
      ).fits
    ).toBe(true)
  })
})

describe('starting a run that does not fit the GPU', () => {
  let store: Store | null = null
  let dir = ''
  afterEach(() => {
    store?.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('is refused before the run exists, naming the batch size', async () => {
    dir = mkdtempSync(join(tmpdir(), 'gpu-fit-'))
    store = openStore(join(dir, 'studio.db'))
    const o = opts(16, 1024)
    const estimate: RunEstimate = withGpuFit(estimateRun(gpt2, o), gpt2, o, adapter(128))
    const engine: EngineCaller = {
      call: (async (job: string) => {
        if (job === 'estimateRun') return estimate
        throw new Error(`the fake engine does not run ${job}`)
      }) as EngineCaller['call']
    }
    const runs = createRunService({ store, engine, events: createEventBus(), runsDir: join(dir, 'runs') })
    // A real model folder and data file pass runs.start's own checks; the fake engine's estimate is GPT-2's at
    // 16 × 1024, so the refusal under test is the GPU fit's.
    writeFileSync(join(dir, 'train.jsonl'), '{"input_ids": [1, 2, 3]}\n')
    const start = runs.handlers.start({
      config: {
        baseModel: join(tinyModelDir, 'model'),
        data: { kind: 'file', path: join(dir, 'train.jsonl') },
        batchSize: 16,
        maxLength: 128
      }
    })
    await expect(start).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(/^Batch size 16 does not fit this GPU: .*192\.0 MiB.*128\.0 MiB/),
      issues: [{ path: 'config.batchSize', message: expect.stringMatching(/Use batch size 10 or less/) }]
    })
    expect(await runs.handlers.list({})).toEqual([])
  })
})
