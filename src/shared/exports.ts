// What a PEFT export records about the run it came from, beside PEFT's own files: chat and
// Continue-from read it from the folder's marker file, since adapter_config.json cannot hold it.
import { z } from 'zod'
import { Template } from './datasets'

export const ExportAbout = z.object({
  /** The prompt template the run's samples were formatted with; null when none can be told. */
  template: Template.nullable().catch(null),
  /** The base model's registered name; null for a folder that is not registered. */
  baseModel: z.string().min(1).nullable().catch(null)
})
export type ExportAbout = z.infer<typeof ExportAbout>
