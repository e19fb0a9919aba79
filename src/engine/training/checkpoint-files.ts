// Training checkpoints on disk: runs/<id>/checkpoints/step-<n>/ holding the PEFT adapter, AdamW's
// moments and trainer_state.json (step, schedule, RNG, data order and cursor), written whole or not at
// all; and the retention rule (last K plus the best by eval loss).
import { existsSync } from 'node:fs'
import { readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { CheckpointInfo, CheckpointReason, LoraSettingsConfig } from '../../shared/runs'
import type { DecoderConfig } from '../formats/decoder-folder'
import { readSafetensors, writeSafetensors } from '../formats/safetensors'
import type { TensorToWrite } from '../formats/safetensors'
import type { RngState } from '../generation/rng'
import type { LoraWeightArrays } from '../model/lora'
import type { AdamWState } from '../optim/adamw'
import type { LrSchedule } from '../optim/lr-schedule'
import { readPeftAdapter, writeFolderAtomically, writePeftAdapter } from './peft-adapter'

import { CHECKPOINT_ADAPTER_DIR, OPTIMIZER_FILE, TRAINER_STATE_FILE } from './training-file-names'

export { OPTIMIZER_FILE, TRAINER_STATE_FILE }

/** Everything besides weights and moments that an exact resume needs. */
export interface TrainerState {
  version: 1
  /** Optimizer steps completed. */
  step: number
  totalSteps: number
  /** Data order: epoch e is the permutation seeded with dataSeed + e; cursor is the next micro-batch in it. */
  epoch: number
  cursor: number
  dataSeed: number
  recordCount: number
  /** Guards against resuming on other data: record count, token count and a hash of the ids. */
  dataFingerprint: string
  rng: RngState
  schedule: LrSchedule
  adamStep: number
  /** Training time so far (s), across resumes. */
  elapsedS: number
  trainLoss: number | null
  evalLoss: number | null
  bestEvalLoss: number | null
  reason: CheckpointReason
  createdAt: string
}

export interface CheckpointContents {
  state: TrainerState
  lora: LoraSettingsConfig
  weights: Map<string, LoraWeightArrays>
  /** Moments in the order of `paramNames`. */
  optimizer: AdamWState
}

export function checkpointDir(runDir: string, step: number): string {
  return join(runDir, 'checkpoints', `step-${step}`)
}

export async function writeCheckpoint(
  runDir: string,
  contents: CheckpointContents & { baseModel: string; paramNames: string[] }
): Promise<CheckpointInfo> {
  const { state, optimizer, paramNames } = contents
  const dir = checkpointDir(runDir, state.step)
  const moments: Record<string, TensorToWrite> = {}
  paramNames.forEach((name, i) => {
    moments[`exp_avg.${name}`] = {
      dtype: 'F32',
      shape: [optimizer.expAvg[i].length],
      data: optimizer.expAvg[i]
    }
    moments[`exp_avg_sq.${name}`] = {
      dtype: 'F32',
      shape: [optimizer.expAvgSq[i].length],
      data: optimizer.expAvgSq[i]
    }
  })
  await writeFolderAtomically(dir, async (tmp) => {
    await writePeftAdapter(join(tmp, CHECKPOINT_ADAPTER_DIR), {
      settings: contents.lora,
      modules: contents.weights,
      baseModel: contents.baseModel
    })
    await writeSafetensors(join(tmp, OPTIMIZER_FILE), moments, { step: String(optimizer.step) })
    await writeFile(join(tmp, TRAINER_STATE_FILE), JSON.stringify(state, null, 2))
  })
  return {
    step: state.step,
    path: dir,
    reason: state.reason,
    evalLoss: state.evalLoss,
    trainLoss: state.trainLoss,
    createdAt: state.createdAt
  }
}

export async function readCheckpoint(
  dir: string,
  base: DecoderConfig,
  paramNames: string[]
): Promise<CheckpointContents> {
  const stateFile = join(dir, TRAINER_STATE_FILE)
  if (!existsSync(stateFile)) {
    throw new Error(
      `${dir}: no ${TRAINER_STATE_FILE}; this is not a training checkpoint (or it was written incompletely)`
    )
  }
  const state = JSON.parse(await readFile(stateFile, 'utf8')) as TrainerState
  if (state.version !== 1)
    throw new Error(`${stateFile}: checkpoint version ${String(state.version)} is not supported`)
  const adapter = await readPeftAdapter(join(dir, CHECKPOINT_ADAPTER_DIR), base)
  const { tensors, metadata } = await readSafetensors(join(dir, OPTIMIZER_FILE))
  const take = (key: string): Float32Array => {
    const t = tensors.get(key)
    if (!t || !(t.data instanceof Float32Array)) {
      throw new Error(
        `${join(dir, OPTIMIZER_FILE)}: no moment "${key}"; the checkpoint belongs to a run with other LoRA settings`
      )
    }
    return t.data
  }
  const optimizer: AdamWState = {
    step: Number(metadata.step ?? state.adamStep),
    expAvg: paramNames.map((n) => take(`exp_avg.${n}`)),
    expAvgSq: paramNames.map((n) => take(`exp_avg_sq.${n}`))
  }
  return { state, lora: adapter.settings, weights: adapter.modules, optimizer }
}

/** Checkpoints present under runs/<id>/checkpoints, by step (complete ones only). */
export async function listCheckpoints(
  runDir: string
): Promise<{ step: number; dir: string; state: TrainerState }[]> {
  const root = join(runDir, 'checkpoints')
  if (!existsSync(root)) return []
  const out: { step: number; dir: string; state: TrainerState }[] = []
  for (const name of await readdir(root)) {
    const m = /^step-(\d+)$/.exec(name)
    const file = join(root, name, TRAINER_STATE_FILE)
    if (!m || !existsSync(file)) continue
    out.push({
      step: Number(m[1]),
      dir: join(root, name),
      state: JSON.parse(await readFile(file, 'utf8')) as TrainerState
    })
  }
  return out.sort((a, b) => a.step - b.step)
}

/** Which steps to delete: all but the last `keepLast` and the one with the lowest eval loss. */
export function checkpointsToRemove(
  checkpoints: readonly { step: number; evalLoss: number | null }[],
  keepLast: number | null
): number[] {
  if (keepLast === null) return []
  const bySteps = [...checkpoints].sort((a, b) => a.step - b.step)
  const keep = new Set(bySteps.slice(-keepLast).map((c) => c.step))
  let best: { step: number; evalLoss: number } | null = null
  for (const c of bySteps)
    if (c.evalLoss !== null && (best === null || c.evalLoss < best.evalLoss))
      best = { step: c.step, evalLoss: c.evalLoss }
  if (best) keep.add(best.step)
  return bySteps.filter((c) => !keep.has(c.step)).map((c) => c.step)
}

/** Applies the retention rule on disk; returns the removed steps. */
export async function pruneCheckpoints(runDir: string, keepLast: number | null): Promise<number[]> {
  const present = await listCheckpoints(runDir)
  const remove = checkpointsToRemove(
    present.map((c) => ({ step: c.step, evalLoss: c.state.evalLoss })),
    keepLast
  )
  for (const step of remove) await rm(checkpointDir(runDir, step), { recursive: true, force: true })
  return remove
}

/** FNV-1a over counts and ids: cheap, stable, enough to tell two datasets apart. */
export function dataFingerprint(records: readonly { inputIds: Int32Array; labels: Int32Array }[]): string {
  let h = 0x811c9dc5
  let tokens = 0
  const mixIn = (v: number) => {
    h ^= v & 0xffff
    h = Math.imul(h, 0x01000193)
    h ^= v >>> 16
    h = Math.imul(h, 0x01000193)
  }
  for (const r of records) {
    mixIn(r.inputIds.length)
    for (const id of r.inputIds) mixIn(id)
    for (const l of r.labels) mixIn(l)
    tokens += r.inputIds.length
  }
  return `${records.length}:${tokens}:${(h >>> 0).toString(16)}`
}
