// A typed front for tf.customGrad: the engine's ops declare their inputs, forward value, the tensors
// their backward pass needs by name, and a hand-written backward pass that reads them by those names
// (tfjs itself saves a positional array through a callback typed as a tensor-or-function union).
import * as tf from '@tensorflow/tfjs-core'

/** What a backward pass keeps from its forward pass: a tensor, a list of them, or null (nothing) per name. */
export type SavedTensors = Record<string, tf.Tensor | readonly tf.Tensor[] | null>

export interface CustomOpResult<T extends tf.Tensor, S extends SavedTensors> {
  value: T
  /** Kept for the backward pass (inputs included): every other intermediate is disposed. */
  saved?: S
  /** Gradients for every input, in order, given dy and the tensors saved under their names. */
  gradFunc: (dy: T, saved: S) => tf.Tensor | tf.Tensor[]
}

/** Where each name's tensors sit in the flat list tfjs keeps. */
type Layout = { name: string; start: number; count: number; kind: 'one' | 'list' | 'null' }[]

function flatten(saved: SavedTensors): { tensors: tf.Tensor[]; layout: Layout } {
  const tensors: tf.Tensor[] = []
  const layout: Layout = []
  for (const [name, value] of Object.entries(saved)) {
    const kind = value === null ? 'null' : Array.isArray(value) ? 'list' : 'one'
    const items: readonly tf.Tensor[] =
      value === null ? [] : Array.isArray(value) ? value : [value as tf.Tensor]
    layout.push({ name, start: tensors.length, count: items.length, kind })
    tensors.push(...items)
  }
  return { tensors, layout }
}

function unflatten<S extends SavedTensors>(saved: readonly tf.Tensor[], layout: Layout): S {
  const named: Record<string, tf.Tensor | tf.Tensor[] | null> = {}
  for (const { name, start, count, kind } of layout) {
    named[name] = kind === 'null' ? null : kind === 'list' ? saved.slice(start, start + count) : saved[start]
  }
  return named as S
}

/**
 * Runs `forward` on `inputs` as one tape node. Intermediates are disposed after the forward pass:
 * anything the backward pass needs (inputs included) must be returned in `saved`. Annotate the
 * forward's parameter (`([x]: tf.Tensor[]) => …`) so that TypeScript infers the saved names' types.
 */
export function customOp<T extends tf.Tensor, S extends SavedTensors>(
  inputs: tf.Tensor[],
  forward: (inputs: tf.Tensor[]) => CustomOpResult<T, S>
): T {
  const op = tf.customGrad<T>((...args) => {
    const save = args[args.length - 1] as tf.GradSaveFunc
    const { value, saved, gradFunc } = forward(args.slice(0, -1) as tf.Tensor[])
    const { tensors, layout } = flatten(saved ?? {})
    save(tensors)
    // tfjs runs a custom gradient outside any tidy: without one, every intermediate of the backward
    // pass would live until the whole backward pass ends (hundreds of MB per GPT-2-small layer).
    return {
      value,
      gradFunc: (dy: T, kept: tf.Tensor[]) => tf.tidy(() => gradFunc(dy, unflatten<S>(kept, layout)))
    }
  })
  return op(...inputs)
}
