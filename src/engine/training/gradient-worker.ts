// Entry of one data-parallel gradient worker (a worker thread of the engine process): its own
// TensorFlow.js backend and model copy; per step it takes the LoRA weights and its pieces and
// returns the summed loss and gradients. The wasm backend is one core per instance, hence threads.
import { parentPort } from 'node:worker_threads'
import * as tf from '@tensorflow/tfjs-core'
import { initBackend } from '../backend'
import { Rng } from '../generation/rng'
import { createDecoderModel } from '../model/create-decoder'
import type { DecoderModel } from '../model/decoder-model'
import { LoraAdapter } from '../model/lora'
import type { FromGradientWorker, ToGradientWorker } from './gradient-worker-protocol'
import { pieceGradients } from './piece-gradients'
import { collectGarbageNow } from './release-memory'

const port = parentPort
if (port === null) throw new Error('gradient-worker runs as a worker thread of the engine')

let model: DecoderModel | null = null

function send(message: FromGradientWorker, transfer: ArrayBuffer[] = []): void {
  port?.postMessage(message, transfer)
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

async function init(message: Extract<ToGradientWorker, { kind: 'init' }>): Promise<void> {
  await initBackend(message.backend)
  const { config, lora, weights } = message.model
  model = createDecoderModel(config, weights, LoraAdapter.create(config, lora, new Rng(0)))
  // The backend holds its own copy now (wasm: in its heap). Once this call has returned, nothing here
  // refers to the shared arrays: collect them, so that the process frees their memory as soon as the
  // training thread drops its own handles (this thread would otherwise keep them for the whole run).
  setImmediate(() => {
    collectGarbageNow()
    send({ kind: 'ready' })
  })
}

async function step(message: Extract<ToGradientWorker, { kind: 'step' }>): Promise<void> {
  if (model?.lora == null) throw new Error('the gradient worker got a step before its model')
  const vars = model.lora.variables()
  if (message.loraWeights.length !== vars.length) {
    throw new Error(`got ${message.loraWeights.length} LoRA tensors, the model has ${vars.length}`)
  }
  tf.tidy(() => vars.forEach((v, i) => v.assign(tf.tensor(message.loraWeights[i], v.shape))))
  const result = pieceGradients(model, message.pieces, message.gradScale, message.compute)
  const tensors = [result.lossSum, ...(result.grads ?? vars.map((v) => tf.zerosLike(v)))]
  // Every read at once: on a backend with a queue they overlap; copies, since cpu hands out its own arrays.
  const read = await Promise.all(tensors.map(async (t) => ((await t.data()) as Float32Array).slice()))
  tf.dispose(tensors)
  const [lossSum, ...grads] = read
  send(
    {
      kind: 'result',
      id: message.id,
      lossSum: lossSum[0],
      targetTokens: result.targetTokens,
      grads,
      tfBytes: tf.memory().numBytes
    },
    grads.map((g) => g.buffer as ArrayBuffer)
  )
}

port.on('message', (message: ToGradientWorker) => {
  const run = message.kind === 'init' ? init(message) : step(message)
  run.catch((err: unknown) =>
    send({ kind: 'error', id: message.kind === 'step' ? message.id : null, message: describe(err) })
  )
})
