// Run queues: runs trained in sequence, each continuing from the previous one's adapter. A queue keeps
// its own status (src/shared/queue-states.ts), the settings of its first run, the process that drives
// it (so a restart finds a queue whose process died), and one row per item: its data and, once started,
// its run.
import type { Migration } from './migration'

export const migration: Migration = {
  version: 7,
  name: 'run queues',
  up(db) {
    db.exec(`
      create table run_queues (
        id integer primary key,
        name text not null,
        status text not null default 'pending'
          check (status in ('pending', 'running', 'paused', 'completed', 'failed', 'stopped')),
        preset text,
        continue_from integer,
        continue_from_step integer,
        config_json text not null,
        current integer not null default 0,
        message text,
        owner_pid integer,
        created_at text not null,
        finished_at text
      );
      create table run_queue_items (
        queue_id integer not null references run_queues(id) on delete cascade,
        position integer not null,
        data_json text not null,
        label text not null,
        run_id integer references runs(id) on delete set null,
        primary key (queue_id, position)
      );
      create index run_queue_items_by_run on run_queue_items(run_id);
    `)
  }
}
