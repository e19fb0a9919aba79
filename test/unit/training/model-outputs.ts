// What the export round-trip tests compare: the logits and mean next-token loss the engine gives for a
// model folder of any family on one row of ids, with LoRA weights applied or none.
import * as tf from '@tensorflow/tfjs-core'
import { loadDecoderFolder } from '../../../src/engine/formats/decoder-folder'
import { Rng } from '../../../src/engine/generation/rng'
import { causalLmLoss } from '../../../src/engine/model/causal-lm-loss'
import { createDecoderModel } from '../../../src/engine/model/create-decoder'
import { LoraAdapter, type LoraWeightArrays } from '../../../src/engine/model/lora'
import { toLoraConfig } from '../../../src/engine/training/lora-settings'
import type { LoraSettingsConfig } from '../../../src/shared/runs'

export interface LoraWeights {
  settings: LoraSettingsConfig
  modules: ReadonlyMap<string, LoraWeightArrays>
}

/** Logits `[ids, vocab]` and the mean loss of predicting each next id, on the current backend. */
export async function modelOutputs(
  dir: string,
  ids: Int32Array,
  adapter: LoraWeights | null
): Promise<{ logits: Float32Array; loss: number }> {
  const { config, weights } = await loadDecoderFolder(dir)
  const lora = adapter
    ? LoraAdapter.create(config, toLoraConfig(adapter.settings), new Rng(0), adapter.modules)
    : null
  const model = createDecoderModel(config, weights, lora)
  let count = 0
  const [logits, lossSum] = tf.tidy(() => {
    const hidden = model.hiddenStates({ inputIds: ids, batch: 1, seqLen: ids.length }, { train: false })
    const loss = causalLmLoss(hidden, model.lmHead, ids, 1, ids.length)
    count = loss.count
    return [model.logits(hidden), loss.lossSum]
  })
  const out = { logits: Float32Array.from(await logits.data()), loss: (await lossSum.data())[0] / count }
  tf.dispose([logits, lossSum])
  model.dispose()
  lora?.dispose()
  return out
}
