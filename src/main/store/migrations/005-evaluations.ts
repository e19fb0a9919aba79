// Perplexity evaluations kept with a run (its Evaluate table): what was scored, the window settings,
// and loss / perplexity / tokens of each row (base model, the run's adapter, its checkpoints).
import type { Migration } from './migration'

export const migration: Migration = {
  version: 5,
  name: 'evaluations',
  up(db) {
    db.exec(`
      create table evaluations (
        id integer primary key,
        run_id integer references runs(id) on delete cascade,
        source_json text not null,
        source_label text not null,
        max_length integer not null,
        stride integer not null,
        texts integer not null,
        windows integer not null,
        rows_json text not null,
        elapsed_ms real not null,
        created_at text not null
      );
      create index evaluations_by_run on evaluations(run_id, id);
    `)
  }
}
