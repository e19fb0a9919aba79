// The English line a run prints when training starts (the CLI shows it; the renderer words the same
// facts from its own messages): what it trains and why it computes with that many workers.
import type { WorkersWhy } from '../../shared/runs'
import type { TrainProgress } from '../../shared/training-protocol'

const plural = (n: number, word: string) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`

/** "2 workers (3 asked): no more than the rows of a step". */
export function workersWhyText(workers: number, w: WorkersWhy): string {
  const count = plural(workers, 'worker')
  const asked = w.asked === null ? '' : ` (${w.asked} asked)`
  switch (w.why) {
    case 'gpu':
      return `${count}${asked}: ${w.backend} computes on one GPU device`
    case 'threads-itself':
      return `${count}${asked}: tfjs-node uses every core by itself`
    case 'asked':
      return `${count} as asked`
    case 'rows':
      return `${count}${asked}: no more than the rows of a step`
    case 'cores':
      return `${count}: one per core on ${w.backend}`
    case 'memory':
      return `${count}: as many model copies as free memory holds, on ${w.backend}`
  }
}

/**
 * What a run trains, counted as the dataset page counts it: samples (sequences of at most the max
 * length, after packing or truncation), not the records they were made from.
 */
export function startedMessage(p: Extract<TrainProgress, { kind: 'started' }>, maxLength: number): string {
  const evaluation = p.validationSamples ? ` (+ ${plural(p.validationSamples, 'sample')} to evaluate on)` : ''
  return (
    `training ${plural(p.trainSamples, 'sample')} of up to ${maxLength} tokens${evaluation}, ` +
    `${plural(p.totalSteps, 'step')}, ${workersWhyText(p.workers, p.workersWhy)}`
  )
}
