// A run's full config from a preset and the user's fields, with the schema's complaints turned into
// the service's field errors (`config.lora.r: …`), for runs.start and whatever else starts runs.
import { z } from 'zod'
import { ServiceError } from '../../shared/errors'
import { issuesMessage, zodIssues } from '../../shared/issue-words'
import { resolveRunConfig, type RunConfigPatchValues, type RunConfigValues } from '../../shared/runs'

export function resolveConfig(
  preset: Parameters<typeof resolveRunConfig>[0],
  config: RunConfigPatchValues
): RunConfigValues {
  try {
    return resolveRunConfig(preset, config)
  } catch (err) {
    if (err instanceof z.ZodError) {
      const issues = zodIssues(err, ['config'])
      throw new ServiceError('invalid_input', issuesMessage(issues), issues)
    }
    throw err
  }
}
