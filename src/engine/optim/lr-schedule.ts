// Learning-rate schedules as Hugging Face defines them (get_constant_schedule_with_warmup,
// get_linear_schedule_with_warmup, get_cosine_schedule_with_warmup) and its warmup_steps/ratio rule.

export type LrScheduleKind = 'constant' | 'linear' | 'cosine'

export interface LrSchedule {
  kind: LrScheduleKind
  baseLr: number
  totalSteps: number
  warmupSteps: number
}

/** HF TrainingArguments.get_warmup_steps: warmup_steps when > 0, else ceil(total × warmup_ratio). */
export function resolveWarmupSteps(totalSteps: number, warmupSteps: number, warmupRatio: number): number {
  return warmupSteps > 0 ? warmupSteps : Math.ceil(totalSteps * warmupRatio)
}

/** The multiplier of the base rate after `step` completed optimizer steps (LambdaLR's lr_lambda). */
export function lrMultiplier(
  kind: LrScheduleKind,
  step: number,
  warmupSteps: number,
  totalSteps: number
): number {
  if (step < warmupSteps) return step / Math.max(1, warmupSteps)
  switch (kind) {
    case 'constant':
      return 1
    case 'linear':
      return Math.max(0, (totalSteps - step) / Math.max(1, totalSteps - warmupSteps))
    case 'cosine': {
      const progress = (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps)
      return Math.max(0, 0.5 * (1 + Math.cos(Math.PI * 0.5 * 2 * progress)))
    }
  }
}

/** Rate for the optimizer step that follows `step` completed steps (the first step uses step 0). */
export function learningRateAt(schedule: LrSchedule, step: number): number {
  return schedule.baseLr * lrMultiplier(schedule.kind, step, schedule.warmupSteps, schedule.totalSteps)
}
