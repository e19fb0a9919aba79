// Times the two elementwise-heavy engine ops on wasm at GPT-2-small sizes: the LM-head loss of one
// 256-token chunk (forward + backward, both modes) and gelu_new on one MLP activation [512, 3072].
import * as tf from '@tensorflow/tfjs-core'
import { initBackend } from '../src/engine/backend'
import { activationFor } from '../src/engine/model/activation'
import { causalLmLoss } from '../src/engine/model/causal-lm-loss'
import { createLmHead, disposeLmHead, LM_HEAD_BLOCK } from '../src/engine/model/frozen-weights'
import { timed } from './process-meter'

const VOCAB = 50257
const EMBD = 768
const TOKENS = 257 // one row more than the 256 targets: the shift drops the last one

/** Fastest wall and CPU time over `repeats` runs after one untimed run (the machine is shared). */
function fastest(repeats: number, fn: () => void): string {
  fn()
  let wall = Infinity
  let cpu = Infinity
  for (let i = 0; i < repeats; i++) {
    const t = timed(fn)
    wall = Math.min(wall, t.wallMs)
    cpu = Math.min(cpu, t.cpuMs)
  }
  return `${wall.toFixed(1)} ms wall, ${cpu.toFixed(1)} ms cpu`
}

function lossProbe(repeats: number): void {
  const blockSize = Number(process.env.LM_HEAD_BLOCK ?? LM_HEAD_BLOCK)
  const w = tf.randomNormal([VOCAB, EMBD], 0, 0.1, 'float32', 1)
  const head = createLmHead({ shape: [VOCAB, EMBD], data: w.dataSync() as Float32Array }, { blockSize })
  w.dispose()
  console.log(`LM head in ${head.wTBlocks.length} blocks`)
  const hidden = tf.randomNormal([TOKENS, EMBD], 0, 1, 'float32', 2) as tf.Tensor2D
  const labels = Int32Array.from({ length: TOKENS }, (_, i) => (i * 7919) % VOCAB)
  for (const recompute of [false, true]) {
    const forward = () => causalLmLoss(hidden, head, labels, 1, TOKENS, { recompute }).lossSum
    console.log(
      `loss forward (recompute ${recompute}):`,
      fastest(repeats, () => tf.tidy(() => void forward().dataSync()))
    )
    const grad = tf.grad(
      (h: tf.Tensor) => causalLmLoss(h as tf.Tensor2D, head, labels, 1, TOKENS, { recompute }).lossSum
    )
    console.log(
      `loss forward+backward (recompute ${recompute}):`,
      fastest(repeats, () => tf.tidy(() => void grad(hidden).dataSync()))
    )
  }
  disposeLmHead(head, false)
  hidden.dispose()
}

function geluProbe(repeats: number): void {
  const gelu = activationFor('gelu_new')
  const x = tf.randomNormal([512, 3072], 0, 1, 'float32', 3) as tf.Tensor2D
  const dy = tf.randomNormal([512, 3072], 0, 1, 'float32', 4) as tf.Tensor2D
  // wasm kernels run synchronously: no read-back, which alone costs 5–30 ms for 6 MB
  console.log(
    'gelu_new forward:',
    fastest(repeats, () => tf.tidy(() => void gelu(x)))
  )
  const grad = tf.grad((input: tf.Tensor) => gelu(input as tf.Tensor2D))
  console.log(
    'gelu_new forward+backward:',
    fastest(repeats, () => tf.tidy(() => void grad(x, dy)))
  )
  tf.dispose([x, dy])
}

async function main(): Promise<void> {
  const info = await initBackend((process.env.LORA_STUDIO_BACKEND as 'wasm' | 'cpu' | undefined) ?? 'wasm')
  const which = process.argv[2] ?? 'all'
  const repeats = Number(process.argv[3] ?? 5)
  console.log(`backend ${info.name}, best of ${repeats}`)
  if (which === 'all' || which === 'gelu') geluProbe(repeats)
  if (which === 'all' || which === 'loss') lossProbe(repeats)
}

void main()
