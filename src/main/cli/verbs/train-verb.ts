// `lora-studio train`: starts a run with a preset, a config file and/or one flag per config field,
// prints PEFT's trainable-parameter line and the memory estimate, then follows the run to its end
// (--dry-run: two timed steps and the ETA instead, nothing trained).
import type { CliVerb } from '../cli-verb'
import { formatBytes, formatDuration, plural } from '../human-format'
import { registeredModelPath } from '../model-arg'
import { followRun } from '../training/follow-run'
import { watchInterrupts } from '../training/interrupts'
import { trainOptions, trainPatch, trainUsage } from '../training/train-flags'

export const trainVerb: CliVerb = {
  name: 'train',
  summary:
    'Fine-tune a model with LoRA on tokenized data or a dataset, with checkpoints (Ctrl-C checkpoints and stops)',
  usage: trainUsage,
  options: trainOptions,
  async run({ values, json, io, openContext }) {
    const { preset, name, continueFrom, continueFromStep, patch: given } = trainPatch(values)
    const context = await openContext()
    // --model (or the config file's baseModel) may name a registered model, as in chat and generate;
    // anything else is a folder, which runs.start checks with the other fields.
    const registered =
      given.baseModel === undefined ? null : registeredModelPath(context.store, given.baseModel)
    const patch = registered === null ? given : { ...given, baseModel: registered }
    if (values['dry-run'] === true) {
      const estimate = await context.handlers.runs.estimate({ preset, config: patch, measure: true })
      const dry = estimate.dryRun
      if (json) io.out(JSON.stringify(estimate))
      else {
        io.out(estimate.trainableLine)
        io.out(`estimated memory: ${formatBytes(estimate.memory.totalBytes)}`)
        if (dry) {
          io.out(
            `one step: ${dry.stepS.toFixed(3)} s, ${Math.round(dry.tokensPerS)} tokens/s; ` +
              `${plural(dry.totalSteps, 'step')} ≈ ${formatDuration(dry.etaS)}; RSS ${formatBytes(dry.peakRssBytes)}`
          )
        }
      }
      return 0
    }
    // Caught from here: a Ctrl-C while the run is being made (its engine starting) stops it once it exists.
    const interrupts = watchInterrupts(io)
    try {
      const run = await context.handlers.runs.start({
        name,
        preset,
        continueFrom,
        continueFromStep,
        config: patch
      })
      if (!json) {
        io.err(`run ${run.id} "${run.name}" (${run.config.baseModel})`)
        if (run.estimate) {
          io.err(run.estimate.trainableLine)
          io.err(
            `estimated memory: ${formatBytes(run.estimate.memory.totalBytes)} (${run.estimate.memory.components.map((c) => `${c.name} ${formatBytes(c.bytes)}`).join(', ')})`
          )
        }
      }
      return await followRun(context, run.id, io, json, interrupts)
    } finally {
      interrupts.dispose()
    }
  }
}
