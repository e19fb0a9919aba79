// The first schema: settings, models, datasets and their records, runs with their metrics and
// checkpoints, chats and their messages. Timestamps are ISO-8601 UTC text; *_json columns hold JSON.
import type { Migration } from './migration'

export const migration: Migration = {
  version: 1,
  name: 'initial schema',
  up(db) {
    db.exec(`
      create table settings (
        key text primary key,
        value_json text not null,
        updated_at text not null
      );

      create table models (
        id integer primary key,
        name text not null unique,
        path text not null,
        source text not null check (source in ('local', 'hub', 'created', 'merged', 'imported')),
        hub_id text,
        revision text,
        architecture text,
        config_json text,
        parameter_count integer,
        size_bytes integer,
        created_at text not null
      );

      create table datasets (
        id integer primary key,
        name text not null,
        format text not null check (format in ('text', 'instruction', 'chat')),
        settings_json text not null,
        statistics_json text,
        report_json text,
        sources_json text not null default '[]',
        record_count integer not null default 0,
        train_count integer not null default 0,
        validation_count integer not null default 0,
        total_tokens integer not null default 0,
        created_at text not null
      );

      create table dataset_records (
        id integer primary key,
        dataset_id integer not null references datasets(id) on delete cascade,
        ordinal integer not null,
        split text not null default 'train' check (split in ('train', 'validation')),
        location_json text not null,
        record_json text not null,
        tokens integer not null default 0,
        trained_tokens integer not null default 0,
        unique (dataset_id, ordinal)
      );
      create index dataset_records_by_split on dataset_records (dataset_id, split, ordinal);

      create table runs (
        id integer primary key,
        name text not null,
        status text not null
          check (status in ('queued', 'running', 'paused', 'completed', 'failed', 'stopped', 'interrupted')),
        config_json text not null,
        base_model text not null,
        model_id integer references models(id) on delete set null,
        dataset_id integer references datasets(id) on delete set null,
        parent_run_id integer references runs(id) on delete set null,
        backend text,
        step integer not null default 0,
        total_steps integer,
        created_at text not null,
        started_at text,
        finished_at text,
        error text,
        notes text not null default '',
        estimate_json text,
        peak_rss_bytes integer,
        peak_tf_bytes integer,
        adapter_path text
      );
      create index runs_by_status on runs (status);

      create table metrics (
        run_id integer not null references runs(id) on delete cascade,
        step integer not null,
        epoch real,
        train_loss real,
        learning_rate real,
        grad_norm real,
        tokens_per_s real,
        eval_loss real,
        perplexity real,
        elapsed_s real,
        eta_s real,
        tf_bytes integer,
        rss_bytes integer,
        recorded_at text not null,
        primary key (run_id, step)
      ) without rowid;

      create table checkpoints (
        id integer primary key,
        run_id integer not null references runs(id) on delete cascade,
        step integer not null,
        path text not null,
        reason text not null check (reason in ('periodic', 'pause', 'stop', 'final', 'failure', 'quit', 'best')),
        train_loss real,
        eval_loss real,
        size_bytes integer,
        created_at text not null,
        unique (run_id, step)
      );

      create table chats (
        id integer primary key,
        title text not null,
        model_id integer references models(id) on delete set null,
        run_id integer references runs(id) on delete set null,
        checkpoint_step integer,
        template_json text,
        options_json text,
        created_at text not null,
        updated_at text not null
      );

      create table chat_messages (
        id integer primary key,
        chat_id integer not null references chats(id) on delete cascade,
        role text not null check (role in ('system', 'user', 'assistant')),
        content text not null,
        meta_json text,
        created_at text not null
      );
      create index chat_messages_by_chat on chat_messages (chat_id, id);
    `)
  }
}
