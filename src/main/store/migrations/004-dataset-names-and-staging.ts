// Dataset names become unique (a UNIQUE index, so two imports racing with one name cannot both
// save; datasets that already share a name are renamed "name (2)", "name (3)"… in id order), and
// rows can be pending: pending_pid holds the process that is importing the dataset (until its last
// record is written) or deleting it; only rows without one are shown, so no dataset is ever seen
// half-imported or half-deleted, and a killed process's pending rows are removed at the next start.
import type { Migration } from './migration'

export const migration: Migration = {
  version: 4,
  name: 'unique dataset names, staged imports',
  up(db) {
    const rows = db.prepare('select id, name from datasets order by id').all() as {
      id: number
      name: string
    }[]
    const taken = new Set(rows.map((r) => r.name))
    const kept = new Set<string>()
    const rename = db.prepare('update datasets set name = ? where id = ?')
    for (const row of rows) {
      if (!kept.has(row.name)) {
        kept.add(row.name)
        continue
      }
      let n = 2
      while (taken.has(`${row.name} (${n})`)) n++
      const name = `${row.name} (${n})`
      taken.add(name)
      kept.add(name)
      rename.run(name, row.id)
    }
    db.exec(`
      create unique index datasets_by_name on datasets (name);
      alter table datasets add column pending_pid integer;
    `)
  }
}
