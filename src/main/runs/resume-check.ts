// What a resume needs on disk, checked before it rolls a run back: the run folder, its frozen
// training data, the base model, and the chosen checkpoint whole (every file present, trainer state
// readable and at its step, safetensors headers parsing with data that fill each file exactly). A
// resume that cannot start must leave the run's history alone and say what is missing.
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { readSafetensorsHeader } from '../../engine/formats/safetensors'
import {
  ADAPTER_CONFIG_FILE,
  ADAPTER_WEIGHTS_FILE,
  CHECKPOINT_ADAPTER_DIR,
  OPTIMIZER_FILE,
  TRAINER_STATE_FILE
} from '../../engine/training/training-file-names'
import { ServiceError } from '../../shared/errors'
import type { RunConfigValues } from '../../shared/runs'
import { existingRunData } from './run-data'
import { startAdapter } from './start-adapter'

export interface ResumePlan {
  runId: number
  runDir: string
  config: RunConfigValues
  /** The checkpoint to continue from, or null to start again from the beginning. */
  checkpoint: { step: number; path: string } | null
  /** Intact-looking checkpoints to offer when the chosen one is damaged. */
  otherSteps: number[]
}

function refuse(message: string): never {
  throw new ServiceError('conflict', message)
}

async function readJson(file: string, what: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as unknown
  } catch (err) {
    return refuse(`${what} ${file} is damaged (${(err as Error).message})`)
  }
}

async function checkSafetensors(file: string): Promise<void> {
  if (!existsSync(file)) refuse(`${file} is missing`)
  try {
    await readSafetensorsHeader(file)
  } catch (err) {
    // The reader's message starts with the file and may end with advice for downloaded files.
    const why = (err as Error).message.replace(`${file}: `, '').replace(/ \(download it again\)$/, '')
    refuse(`${file} is damaged or truncated (${why})`)
  }
}

async function checkCheckpoint(dir: string, step: number): Promise<void> {
  if (!existsSync(dir)) refuse(`its folder ${dir} is missing`)
  for (const name of [
    TRAINER_STATE_FILE,
    OPTIMIZER_FILE,
    join(CHECKPOINT_ADAPTER_DIR, ADAPTER_CONFIG_FILE),
    join(CHECKPOINT_ADAPTER_DIR, ADAPTER_WEIGHTS_FILE)
  ]) {
    if (!existsSync(join(dir, name))) refuse(`${join(dir, name)} is missing`)
  }
  const state = await readJson(join(dir, TRAINER_STATE_FILE), 'the trainer state')
  const savedStep = (state as { step?: unknown } | null)?.step
  if (savedStep !== step) {
    refuse(`${join(dir, TRAINER_STATE_FILE)} is for step ${String(savedStep)}, not step ${step}`)
  }
  await readJson(join(dir, CHECKPOINT_ADAPTER_DIR, ADAPTER_CONFIG_FILE), 'the adapter config')
  await checkSafetensors(join(dir, CHECKPOINT_ADAPTER_DIR, ADAPTER_WEIGHTS_FILE))
  await checkSafetensors(join(dir, OPTIMIZER_FILE))
}

/** Throws a `conflict` ServiceError naming what is missing or damaged; changes nothing. */
export async function checkResumable(plan: ResumePlan): Promise<void> {
  const { runId, runDir, config, checkpoint } = plan
  const cannot = `so run ${runId} cannot be resumed; it was left as it was`
  if (!existsSync(runDir)) {
    refuse(
      `run folder ${runDir} is missing, ${cannot}. Put the folder back, or start a new run with its settings.`
    )
  }
  try {
    existingRunData(runDir)
  } catch (err) {
    refuse(`${(err as Error).message.replace(/; start a new run$/, '')}, ${cannot}. Start a new run instead.`)
  }
  if (config.validation.kind === 'file' && !existsSync(join(runDir, 'data', 'validation.jsonl'))) {
    refuse(`${join(runDir, 'data', 'validation.jsonl')} is missing, ${cannot}. Start a new run instead.`)
  }
  if (!existsSync(join(config.baseModel, 'config.json'))) {
    refuse(
      `base model folder ${config.baseModel} is missing (or has no config.json), ${cannot}. Put the model back there.`
    )
  }
  if (checkpoint === null) {
    const start = startAdapter(runDir, config)
    if (start !== null && !existsSync(start)) {
      refuse(`the adapter it starts from, ${start}, is missing, ${cannot}.`)
    }
    return
  }
  try {
    await checkCheckpoint(checkpoint.path, checkpoint.step)
  } catch (err) {
    const others = plan.otherSteps.filter((s) => s !== checkpoint.step)
    const advice = others.length
      ? `Resume from another of its checkpoints (step ${others.join(', ')}) instead.`
      : 'No other checkpoint is left; start a new run with its settings.'
    refuse(
      `The checkpoint at step ${checkpoint.step} cannot be used: ${(err as Error).message}, ${cannot}. ${advice}`
    )
  }
}
