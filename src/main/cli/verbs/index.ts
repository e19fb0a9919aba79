// Every CLI verb, in the order `--help` lists them. To add one, write verbs/<name>-verb.ts
// exporting a CliVerb and list it here.
import type { CliVerb } from '../cli-verb'
import { infoVerb } from './info-verb'
import { serveVerb } from './serve-verb'

export const verbs: readonly CliVerb[] = [infoVerb, serveVerb]
