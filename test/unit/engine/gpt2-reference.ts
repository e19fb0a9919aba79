// Loads a PyTorch reference folder made by tools/pytorch/ref_gpt2.py (GPT2_REF_DIR, default the in-repo
// gpt2-tiny fixture) into what the engine tests compare against; every setting comes from the folder.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { backendNames, initBackend, isBackendName, isGpuBackend } from '../../../src/engine/backend'
import { loadHfModelFolder } from '../../../src/engine/formats/hf-model-folder'
import type { LoadedCheckpoint } from '../../../src/engine/formats/hf-model-folder'
import { readSafetensors } from '../../../src/engine/formats/safetensors'
import type { TensorEntry } from '../../../src/engine/formats/safetensors'
import { Rng } from '../../../src/engine/generation/rng'
import { loraTargetModules } from '../../../src/engine/model/lora'
import type { DecoderConfig, LoraConfig, LoraWeightArrays } from '../../../src/engine/model/lora'
import type { BackendName } from '../../../src/shared/system'
import { tinyModelDir } from './fixtures-dir'

export const referenceDir = process.env.GPT2_REF_DIR ?? tinyModelDir

export interface ReferenceSettings {
  lora: { r: number; lora_alpha: number; scaling: number; target_modules: string[]; lora_dropout: number }
  adamw: {
    lr: number
    betas: [number, number]
    eps: number
    weight_decay: number
    max_grad_norm: number
    steps: number
    schedule: string
  }
  loss: number
  losses_before_each_step: number[]
  tolerance: { logits_abs: number; loss_abs: number; grad_rel_to_max: number; trained_abs: number }
}

/** What a reference folder holds besides its model (ref_gpt2.py's and ref_llama.py's layout). */
export interface ReferenceTensors {
  settings: ReferenceSettings
  tensors: Map<string, TensorEntry>
  /** LoRA config as the reference used it (rsLoRA off, no bias). */
  loraConfig: LoraConfig
  /** `init.<module>.lora_{A,B}.weight` by module name. */
  initLora: Map<string, LoraWeightArrays>
  batch: number
  seqLen: number
  inputIds: Int32Array
  labels: Int32Array
}

export interface Reference extends ReferenceTensors {
  checkpoint: LoadedCheckpoint
}

/**
 * The backends the engine tests run on: LORA_STUDIO_TEST_BACKENDS (comma list), default cpu, wasm and webgpu.
 * webgpu runs on whatever adapter Dawn finds (lavapipe in CI); one that cannot be created fails the tests.
 */
export const backendsUnderTest: readonly BackendName[] = testBackends(process.env.LORA_STUDIO_TEST_BACKENDS)

export function testBackends(list: string | undefined): BackendName[] {
  if (list === undefined || list.trim() === '') return ['cpu', 'wasm', 'webgpu']
  const names = list.split(',').map((s) => s.trim())
  for (const name of names) {
    if (!isBackendName(name)) {
      throw new Error(
        `LORA_STUDIO_TEST_BACKENDS names "${name}"; use a comma list of ${backendNames.join(', ')}`
      )
    }
  }
  return names as BackendName[]
}

/** The GPU backends among them (the suites that cpu and wasm already cover elsewhere run these too). */
export const gpuBackendsUnderTest: readonly BackendName[] = backendsUnderTest.filter(isGpuBackend)

/** Starts `name` as the tfjs backend (a forced webgpu accepts a software adapter). */
export async function useBackend(name: BackendName): Promise<void> {
  await initBackend(name)
}

export function toInt32(entry: TensorEntry): Int32Array {
  const data = entry.data
  if (data instanceof BigInt64Array) return Int32Array.from(data, (v) => Number(v))
  return Int32Array.from(data as ArrayLike<number>)
}

export function floats(ref: ReferenceTensors, key: string): Float32Array {
  const entry = ref.tensors.get(key)
  if (entry === undefined) throw new Error(`reference.safetensors has no "${key}"`)
  return entry.data as Float32Array
}

export async function loadReference(): Promise<Reference> {
  const checkpoint = await loadHfModelFolder(join(referenceDir, 'model'))
  return { ...(await loadReferenceTensors(referenceDir)), checkpoint }
}

/** reference.json and reference.safetensors of a reference folder, with the LoRA init weights by module name. */
export async function loadReferenceTensors(dir: string): Promise<ReferenceTensors> {
  const settings = JSON.parse(await readFile(join(dir, 'reference.json'), 'utf8')) as ReferenceSettings
  const { tensors } = await readSafetensors(join(dir, 'reference.safetensors'))
  const initLora = new Map<string, LoraWeightArrays>()
  for (const [key, entry] of tensors) {
    const match = /^init\.(.+)\.lora_A\.weight$/.exec(key)
    if (match === null) continue
    const bEntry = tensors.get(`init.${match[1]}.lora_B.weight`)
    if (bEntry === undefined) throw new Error(`reference has ${key} without its lora_B`)
    initLora.set(match[1], { a: entry.data as Float32Array, b: bEntry.data as Float32Array })
  }
  const ids = tensors.get('input_ids')
  const labels = tensors.get('labels')
  if (ids === undefined || labels === undefined)
    throw new Error('reference.safetensors lacks input_ids/labels')
  return {
    settings,
    tensors,
    loraConfig: {
      r: settings.lora.r,
      alpha: settings.lora.lora_alpha,
      dropout: settings.lora.lora_dropout,
      targetModules: settings.lora.target_modules,
      useRslora: false,
      bias: 'none'
    },
    initLora,
    batch: ids.shape[0],
    seqLen: ids.shape[1],
    inputIds: toInt32(ids),
    labels: toInt32(labels)
  }
}

/** Largest |a − b| over two arrays of the same length. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`)
  let worst = 0
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]))
  return worst
}

/** max |Δ| over parallel lists of gradients, and the largest |gradient| of `a` (so 0 vs 0 shows). */
export function maxGradDiff(
  a: readonly ArrayLike<number>[],
  b: readonly ArrayLike<number>[]
): { diff: number; max: number } {
  let diff = 0
  let max = 0
  for (const [i, g] of a.entries()) {
    diff = Math.max(diff, maxAbsDiff(g, b[i]))
    max = Math.max(max, maxAbs(g))
  }
  return { diff, max }
}

export function maxAbs(a: ArrayLike<number>): number {
  let worst = 0
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]))
  return worst
}

export async function values(t: tf.Tensor): Promise<Float32Array> {
  return (await t.data()) as Float32Array
}

/** LoRA weights with B ≠ 0 too (a fresh B of zeros would give A no gradient to compare). */
export function randomLora(
  config: DecoderConfig,
  lora: LoraConfig,
  seed: number
): Map<string, LoraWeightArrays> {
  const rng = new Rng(seed)
  const draw = (n: number) => Float32Array.from({ length: n }, () => (rng.nextFloat() - 0.5) * 0.2)
  return new Map(
    loraTargetModules(config, lora).map((m) => [
      m.name,
      { a: draw(lora.r * m.inFeatures), b: draw(m.outFeatures * lora.r) }
    ])
  )
}
