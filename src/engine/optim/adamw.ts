// AdamW exactly as torch.optim.AdamW (decoupled weight decay before the Adam update, bias correction,
// eps added after the bias-corrected sqrt), over tf.Variables, with state exportable for checkpoints.
import * as tf from '@tensorflow/tfjs-core'

export interface AdamWOptions {
  lr: number
  beta1?: number
  beta2?: number
  eps?: number
  weightDecay?: number
}

/** Everything needed to resume: the step count and both moments per parameter, in parameter order. */
export interface AdamWState {
  step: number
  expAvg: Float32Array[]
  expAvgSq: Float32Array[]
}

export class AdamW {
  readonly params: readonly tf.Variable[]
  readonly lr: number
  readonly beta1: number
  readonly beta2: number
  readonly eps: number
  readonly weightDecay: number
  private stepCount = 0
  private expAvg: tf.Tensor[]
  private expAvgSq: tf.Tensor[]

  constructor(params: readonly tf.Variable[], options: AdamWOptions) {
    this.params = params
    this.lr = options.lr
    this.beta1 = options.beta1 ?? 0.9
    this.beta2 = options.beta2 ?? 0.999
    this.eps = options.eps ?? 1e-8
    this.weightDecay = options.weightDecay ?? 0.01
    this.expAvg = params.map((p) => tf.zerosLike(p))
    this.expAvgSq = params.map((p) => tf.zerosLike(p))
  }

  get step(): number {
    return this.stepCount
  }

  /** One update with `grads` (parallel to `params`); `lr` overrides the base rate (schedules). */
  update(grads: readonly tf.Tensor[], lr: number = this.lr): void {
    if (grads.length !== this.params.length) {
      throw new Error(`AdamW got ${grads.length} gradients for ${this.params.length} parameters`)
    }
    this.stepCount += 1
    const step = this.stepCount
    const { beta1, beta2, eps, weightDecay } = this
    const stepSize = lr / (1 - beta1 ** step)
    const bc2Sqrt = Math.sqrt(1 - beta2 ** step)
    this.params.forEach((param, i) => {
      const grad = grads[i]
      const [m, v] = tf.tidy(() => {
        const decayed = tf.mul(param, 1 - lr * weightDecay)
        const m1 = tf.add(tf.mul(this.expAvg[i], beta1), tf.mul(grad, 1 - beta1))
        const v1 = tf.add(tf.mul(this.expAvgSq[i], beta2), tf.mul(tf.mul(grad, grad), 1 - beta2))
        const denom = tf.add(tf.div(tf.sqrt(v1), bc2Sqrt), eps)
        param.assign(tf.sub(decayed, tf.mul(tf.div(m1, denom), stepSize)))
        return [m1, v1]
      })
      this.expAvg[i].dispose()
      this.expAvgSq[i].dispose()
      this.expAvg[i] = m
      this.expAvgSq[i] = v
    })
  }

  /** Reads both moments back (all reads at once; copies, since cpu hands out its own arrays). */
  async exportState(): Promise<AdamWState> {
    const step = this.stepCount
    const read = (ts: tf.Tensor[]) =>
      Promise.all(ts.map(async (t) => Float32Array.from((await t.data()) as Float32Array)))
    const [expAvg, expAvgSq] = await Promise.all([read(this.expAvg), read(this.expAvgSq)])
    return { step, expAvg, expAvgSq }
  }

  importState(state: AdamWState): void {
    const n = this.params.length
    if (state.expAvg.length !== n || state.expAvgSq.length !== n) {
      throw new Error(
        `optimizer state holds ${state.expAvg.length} parameters, this run has ${n}; it belongs to another run`
      )
    }
    if (!Number.isInteger(state.step) || state.step < 0)
      throw new Error(`optimizer state step ${state.step} is not a count`)
    this.params.forEach((p, i) => {
      if (state.expAvg[i].length !== p.size || state.expAvgSq[i].length !== p.size) {
        throw new Error(`optimizer state for parameter ${i} has the wrong size (expected ${p.size} values)`)
      }
    })
    tf.dispose([...this.expAvg, ...this.expAvgSq])
    this.expAvg = this.params.map((p, i) => tf.tensor(state.expAvg[i], p.shape, 'float32'))
    this.expAvgSq = this.params.map((p, i) => tf.tensor(state.expAvgSq[i], p.shape, 'float32'))
    this.stepCount = state.step
  }

  dispose(): void {
    tf.dispose([...this.expAvg, ...this.expAvgSq])
  }
}
