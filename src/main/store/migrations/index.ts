// Every schema migration, in order. To change the schema, add a file `NNN-what-it-does.ts` with the
// next number (never edit a released one) and list it here.
import type { Migration } from './migration'
import { migration as m001 } from './001-initial-schema'
import { migration as m002 } from './002-run-owner'
import { migration as m003 } from './003-chat-paths'
import { migration as m004 } from './004-dataset-names-and-staging'
import { migration as m005 } from './005-evaluations'
import { migration as m006 } from './006-run-lineage'
import { migration as m007 } from './007-run-queues'

export const migrations: readonly Migration[] = [m001, m002, m003, m004, m005, m006, m007]
