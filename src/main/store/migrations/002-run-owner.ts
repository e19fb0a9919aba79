// Which process trains a run: lets a second process on the same data folder (the CLI beside the
// app) tell a run that is training elsewhere from one whose process died and left it `running`.
import type { Migration } from './migration'

export const migration: Migration = {
  version: 2,
  name: 'run owner process',
  up(db) {
    db.exec('alter table runs add column owner_pid integer')
  }
}
