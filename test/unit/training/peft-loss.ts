// Our engine on a model folder with a PEFT adapter folder applied (or none), for the tests that hold it
// against PyTorch (tools/pytorch/peft_ref.py): the masked loss over tokenized samples, each scored alone,
// and the decoder model itself for greedy decoding.
import * as tf from '@tensorflow/tfjs-core'
import { loadDecoderFolder } from '../../../src/engine/formats/decoder-folder'
import { Rng } from '../../../src/engine/generation/rng'
import { causalLmLoss } from '../../../src/engine/model/causal-lm-loss'
import { createDecoderModel } from '../../../src/engine/model/create-decoder'
import type { DecoderModel } from '../../../src/engine/model/decoder-model'
import { LoraAdapter } from '../../../src/engine/model/lora'
import { toLoraConfig } from '../../../src/engine/training/lora-settings'
import { readPeftAdapter } from '../../../src/engine/training/peft-adapter'

/** A record of tokenized JSONL; labels default to the ids (every next token scored), -100 is skipped. */
export interface TokenizedSample {
  input_ids: number[]
  labels?: number[]
}

/** Runs `use` on the model of `modelDir` with the PEFT adapter of `adapterDir` (null: the base model). */
export async function withPeftModel<T>(
  modelDir: string,
  adapterDir: string | null,
  use: (model: DecoderModel) => Promise<T>
): Promise<T> {
  const { config, weights } = await loadDecoderFolder(modelDir)
  const peft = adapterDir === null ? null : await readPeftAdapter(adapterDir, config)
  const lora = peft ? LoraAdapter.create(config, toLoraConfig(peft.settings), new Rng(0), peft.modules) : null
  const model = createDecoderModel(config, weights, lora)
  try {
    return await use(model)
  } finally {
    model.dispose()
    lora?.dispose()
  }
}

/** Mean next-token cross-entropy over every label of `samples` that is not -100. */
export function peftLoss(
  modelDir: string,
  adapterDir: string | null,
  samples: readonly TokenizedSample[]
): Promise<number> {
  return withPeftModel(modelDir, adapterDir, async (model) => {
    let sum = 0
    let count = 0
    for (const s of samples) {
      const seqLen = s.input_ids.length
      const labels = Int32Array.from(s.labels ?? s.input_ids)
      const loss = tf.tidy(() => {
        const hidden = model.hiddenStates(
          { inputIds: Int32Array.from(s.input_ids), batch: 1, seqLen },
          { train: false }
        )
        const out = causalLmLoss(hidden, model.lmHead, labels, 1, seqLen)
        count += out.count
        return out.lossSum
      })
      sum += (await loss.data())[0]
      loss.dispose()
    }
    return sum / count
  })
}
