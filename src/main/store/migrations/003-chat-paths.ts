// Chats may talk to a model folder that is not registered and to an adapter folder that belongs to no
// run (a PEFT adapter from elsewhere, a checkpoint): keep those paths beside model_id and run_id.
import type { Migration } from './migration'

export const migration: Migration = {
  version: 3,
  name: 'chat model and adapter paths',
  up(db) {
    db.exec(`
      alter table chats add column model_path text;
      alter table chats add column adapter_path text;
    `)
  }
}
