// Lineage of continued runs: beside parent_run_id (the run whose adapter a run continued from), the
// parent's step at the continue point, so a chain of runs can be laid end to end on one step axis.
import type { Migration } from './migration'

export const migration: Migration = {
  version: 6,
  name: 'run lineage',
  up(db) {
    db.exec('alter table runs add column parent_step integer')
  }
}
