// Every CLI verb, in the order `--help` lists them. To add one, write verbs/<name>-verb.ts
// exporting a CliVerb and list it here.
import type { CliVerb } from '../cli-verb'
import { backupsVerb } from './backups-verb'
import { chatVerb } from './chat-verb'
import { datasetsVerb } from './datasets-verb'
import { importDatasetVerb } from './import-dataset-verb'
import { importVerb } from './import-verb'
import { infoVerb } from './info-verb'
import { modelsVerb } from './models-verb'
import { serveVerb } from './serve-verb'
import { exportVerb } from './export-verb'
import { generateVerb } from './generate-verb'
import { restoreDbVerb } from './restore-db-verb'
import { resumeVerb } from './resume-verb'
import { runsVerb } from './runs-verb'
import { trainVerb } from './train-verb'
import { trainQueueVerb } from './train-queue-verb'
import { perplexityVerb } from './perplexity-verb'
import { tokenizeVerb } from './tokenize-verb'

export const verbs: readonly CliVerb[] = [
  infoVerb,
  serveVerb,
  trainVerb,
  trainQueueVerb,
  resumeVerb,
  runsVerb,
  exportVerb,
  chatVerb,
  generateVerb,
  perplexityVerb,
  tokenizeVerb,
  modelsVerb,
  importVerb,
  importDatasetVerb,
  datasetsVerb,
  backupsVerb,
  restoreDbVerb
]
