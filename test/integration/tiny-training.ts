// What the app-context training tests share: an app context whose engine process runs on wasm (the
// backend every machine has), and a short LoRA run on the tiny fixture model that a test adjusts.
import { join } from 'node:path'
import { openAppContext, type AppContext } from '../../src/main/app-context'
import { createNodeEngineSpawner } from '../../src/main/engine-host/node-engine-spawner'
import { buildApi, unwrapResult } from '../../src/shared/api-client'
import type { Api } from '../../src/shared/contract'
import type { RunConfigPatchValues, RunProgressEvent } from '../../src/shared/runs'
import { tinyModelDir } from '../unit/engine/fixtures-dir'

/** The app on `dataDir` as the CLI (or the browser server) opens it, its engine on wasm. */
export function openWasmContext(dataDir: string, mode: 'cli' | 'browser' = 'cli'): Promise<AppContext> {
  return openAppContext({
    dataDir,
    mode,
    engineSpawner: createNodeEngineSpawner({ env: { LORA_STUDIO_BACKEND: 'wasm' } })
  })
}

/** The API on `ctx` as the renderer and the CLI call it: every input validated (and defaulted) by the router. */
export function routedApi(ctx: AppContext): Api {
  return buildApi(
    async (channel, payload) => unwrapResult(await ctx.router.call(channel, payload)),
    (event, listener) => ctx.events.on(event, listener)
  )
}

/** The first run progress event on `ctx` that `pred` accepts. */
export function nextProgress(
  ctx: AppContext,
  pred: (e: RunProgressEvent) => boolean
): Promise<RunProgressEvent> {
  return new Promise((resolve) => {
    const off = ctx.events.on('run.progress', (e) => {
      if (pred(e)) {
        off()
        resolve(e)
      }
    })
  })
}

/** r 4 LoRA on attention, 24-token rows in pairs, on `trainFile`; `patch` sets the steps and the rest. */
export function tinyRunConfig(trainFile: string, patch: RunConfigPatchValues = {}): RunConfigPatchValues {
  return {
    baseModel: join(tinyModelDir, 'model'),
    data: { kind: 'file', path: trainFile },
    maxLength: 24,
    batchSize: 2,
    learningRate: 1e-2,
    lora: { r: 4, alpha: 8, dropout: 0.1, targetModules: ['attn.c_attn', 'attn.c_proj'] },
    ...patch
  }
}
