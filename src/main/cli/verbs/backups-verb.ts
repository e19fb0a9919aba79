// `lora-studio backups`: lists the copies of studio.db kept in <data>/backups (newest first), without
// opening the database, so it works when studio.db itself is damaged.
import { prepareDataDir, resolveDataDir } from '../../data-dir'
import { listBackups, type BackupFile } from '../../store/backups'
import type { CliIo } from '../cli-verb'
import type { CliVerb } from '../cli-verb'
import { formatBytes } from '../human-format'

export function printBackups(dataDir: string | undefined, json: boolean, io: CliIo): void {
  const paths = prepareDataDir(resolveDataDir(dataDir))
  const backups: BackupFile[] = listBackups(paths.backups)
  if (json) {
    io.out(JSON.stringify({ dir: paths.backups, backups }, null, 2))
    return
  }
  if (!backups.length) {
    io.out(`No backups in ${paths.backups} yet (one is made at start and after each run that ends).`)
    return
  }
  io.out(`Backups of ${paths.database}, newest first (in ${paths.backups}):`)
  for (const b of backups) io.out(`  ${b.file}  ${formatBytes(b.bytes)}`)
  io.out('Restore one with: lora-studio restore-db FILE (or --latest)')
}

export const backupsVerb: CliVerb = {
  name: 'backups',
  summary: 'List the backups of the database (made at start and after each run that ends)',
  usage: 'lora-studio backups [--data-dir DIR] [--json]',
  async run({ dataDir, json, io }) {
    printBackups(dataDir, json, io)
  }
}
