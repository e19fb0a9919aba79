// A run configuration as rows of readable label/value pairs, in the order the Train form shows them;
// the run page lists them and the compare page lines several runs up by the same keys.
import type { RunDetail } from '../../../shared/runs'
import { folderName } from './run-format'

export interface ConfigRow {
  /** Also the key under train.fields in the i18n files. */
  key: string
  value: string
  /** A path or other text worth showing in full on hover. */
  title?: string
}

type Translate = (key: string, values?: Record<string, unknown>) => string

/** `run.template` is the one its samples were formatted with: none for raw text, whatever the form held. */
export function configRows(
  run: Pick<RunDetail, 'config' | 'template'>,
  t: Translate,
  datasetName: (id: number) => string
): ConfigRow[] {
  const { config } = run
  const yes = (on: boolean) => (on ? t('runs.yes') : t('runs.no'))
  const orEmpty = (value: number | null, key: string) =>
    value === null ? t(`train.fields.${key}.empty`) : String(value)
  const data = config.data.kind === 'dataset' ? datasetName(config.data.id) : folderName(config.data.path)
  const v = config.validation
  const validation =
    v.kind === 'none'
      ? t('train.validation.dataset-split')
      : v.kind === 'split'
        ? `${t('train.validation.hold-out')} (${v.ratio})`
        : v.kind === 'dataset'
          ? datasetName(v.id)
          : folderName(v.path)
  return [
    { key: 'baseModel', value: folderName(config.baseModel), title: config.baseModel },
    { key: 'dataset', value: data, title: config.data.kind === 'file' ? config.data.path : undefined },
    { key: 'validation', value: validation },
    { key: 'template', value: run.template ?? t('train.fields.template.none') },
    {
      key: 'initAdapter',
      value: config.initAdapter ?? t('train.fields.initAdapter.fresh'),
      title: config.initAdapter ?? undefined
    },
    { key: 'r', value: String(config.lora.r) },
    { key: 'alpha', value: String(config.lora.alpha) },
    { key: 'dropout', value: String(config.lora.dropout) },
    { key: 'targetModules', value: config.lora.targetModules.join(', ') },
    { key: 'rsLora', value: yes(config.lora.rsLora) },
    { key: 'maxLength', value: String(config.maxLength) },
    { key: 'packing', value: yes(config.packing) },
    { key: 'epochs', value: String(config.epochs) },
    { key: 'maxSteps', value: orEmpty(config.maxSteps, 'maxSteps') },
    { key: 'batchSize', value: String(config.batchSize) },
    { key: 'gradientAccumulation', value: String(config.gradientAccumulation) },
    { key: 'workers', value: orEmpty(config.workers, 'workers') },
    { key: 'gradientCheckpointing', value: yes(config.gradientCheckpointing) },
    { key: 'learningRate', value: String(config.learningRate) },
    { key: 'schedule', value: t(`train.schedules.${config.schedule}`) },
    { key: 'warmupSteps', value: String(config.warmupSteps) },
    { key: 'warmupRatio', value: String(config.warmupRatio) },
    { key: 'weightDecay', value: String(config.weightDecay) },
    { key: 'maxGradNorm', value: String(config.maxGradNorm) },
    { key: 'adamBeta1', value: String(config.adamBeta1) },
    { key: 'adamBeta2', value: String(config.adamBeta2) },
    { key: 'adamEpsilon', value: String(config.adamEpsilon) },
    { key: 'evalEvery', value: orEmpty(config.evalEvery, 'evalEvery') },
    { key: 'saveEvery', value: String(config.saveEvery) },
    { key: 'keepLast', value: orEmpty(config.keepLast, 'keepLast') },
    { key: 'seed', value: String(config.seed) }
  ]
}
