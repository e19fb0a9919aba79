// The numeric settings of the Train form, grouped as the form shows them: where each lives in the
// run config (its error path is `config.<path>`), whether it may be left empty, and its i18n key.
import type { TrainSettings } from '../../stores/train-form'

export type NumericPath =
  | 'maxLength'
  | 'epochs'
  | 'maxSteps'
  | 'batchSize'
  | 'gradientAccumulation'
  | 'workers'
  | 'learningRate'
  | 'warmupSteps'
  | 'warmupRatio'
  | 'weightDecay'
  | 'maxGradNorm'
  | 'adamBeta1'
  | 'adamBeta2'
  | 'adamEpsilon'
  | 'lora.r'
  | 'lora.alpha'
  | 'lora.dropout'
  | 'seed'
  | 'evalEvery'
  | 'saveEvery'
  | 'keepLast'

export interface NumericField {
  path: NumericPath
  /** The key under train.fields in the i18n files. */
  key: string
  nullable?: boolean
}

export type FieldGroup = 'lora' | 'data' | 'duration' | 'optimizer' | 'checkpoints'

export const numericFields: Record<FieldGroup, NumericField[]> = {
  lora: [
    { path: 'lora.r', key: 'r' },
    { path: 'lora.alpha', key: 'alpha' },
    { path: 'lora.dropout', key: 'dropout' }
  ],
  data: [{ path: 'maxLength', key: 'maxLength' }],
  duration: [
    { path: 'epochs', key: 'epochs' },
    { path: 'maxSteps', key: 'maxSteps', nullable: true },
    { path: 'batchSize', key: 'batchSize' },
    { path: 'gradientAccumulation', key: 'gradientAccumulation' },
    { path: 'workers', key: 'workers', nullable: true }
  ],
  optimizer: [
    { path: 'learningRate', key: 'learningRate' },
    { path: 'warmupSteps', key: 'warmupSteps' },
    { path: 'warmupRatio', key: 'warmupRatio' },
    { path: 'weightDecay', key: 'weightDecay' },
    { path: 'maxGradNorm', key: 'maxGradNorm' },
    { path: 'adamBeta1', key: 'adamBeta1' },
    { path: 'adamBeta2', key: 'adamBeta2' },
    { path: 'adamEpsilon', key: 'adamEpsilon' }
  ],
  checkpoints: [
    { path: 'evalEvery', key: 'evalEvery', nullable: true },
    { path: 'saveEvery', key: 'saveEvery' },
    { path: 'keepLast', key: 'keepLast', nullable: true },
    { path: 'seed', key: 'seed' }
  ]
}

export function readNumber(settings: TrainSettings, path: NumericPath): number | null {
  if (path.startsWith('lora.')) {
    const key = path.slice(5) as 'r' | 'alpha' | 'dropout'
    return settings.lora[key]
  }
  return settings[path as Exclude<NumericPath, `lora.${string}`>]
}

export function writeNumber(settings: TrainSettings, path: NumericPath, value: number | null): void {
  if (path.startsWith('lora.')) {
    const key = path.slice(5) as 'r' | 'alpha' | 'dropout'
    settings.lora[key] = value as number
    return
  }
  ;(settings as unknown as Record<string, number | null>)[path] = value
}
