// A continued run's own copy of the adapter it starts from (runs/<id>/init-adapter/), made when the run
// is created. Until it writes a checkpoint of its own, a continued run would otherwise need its parent's
// files, which a delete, keep-last pruning or a rewind of the parent may remove (and a PEFT folder the
// user chose may move). config.initAdapter keeps naming the source the user chose, and parentRunId/
// parentStep the lineage; training and its checks use the copy.
import { existsSync } from 'node:fs'
import { copyFile, mkdir, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { ADAPTER_CONFIG_FILE, ADAPTER_WEIGHTS_FILE } from '../../engine/training/training-file-names'
import type { RunConfigValues } from '../../shared/runs'

const START_ADAPTER_DIR = 'init-adapter'

/** Copies the adapter `config.initAdapter` names into the run's folder (temp name, then rename); none: nothing. */
export async function copyStartAdapter(runDir: string, config: RunConfigValues): Promise<void> {
  if (config.initAdapter === null) return
  const to = join(runDir, START_ADAPTER_DIR)
  const tmp = `${to}.tmp-${process.pid}`
  await mkdir(tmp, { recursive: true })
  try {
    for (const file of [ADAPTER_CONFIG_FILE, ADAPTER_WEIGHTS_FILE]) {
      await copyFile(join(config.initAdapter, file), join(tmp, file))
    }
    await rename(tmp, to)
  } catch (err) {
    await rm(tmp, { recursive: true, force: true })
    throw err
  }
}

/** The adapter a run starts from: its own copy, or for a run made before copies, `config.initAdapter`. */
export function startAdapter(runDir: string, config: RunConfigValues): string | null {
  if (config.initAdapter === null) return null
  const copy = join(runDir, START_ADAPTER_DIR)
  return existsSync(copy) ? copy : config.initAdapter
}
