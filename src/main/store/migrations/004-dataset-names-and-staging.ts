// Dataset names become unique (a UNIQUE index, so two imports racing with one name cannot both
// save; datasets that already share a name are renamed "name (2)", "name (3)"… in id order), and an
// import is staged: its dataset row carries the importing process's pid until the last record is
// written, and only rows without one are shown, so a dataset is never seen half-imported.
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
      alter table datasets add column importing_pid integer;
    `)
  }
}
