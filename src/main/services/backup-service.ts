// backups.list / backups.restore: the backups of studio.db for Settings, and choosing one to restore
// at the next start (see store/pending-restore.ts for why not at once).
import type { ApiHandlers } from '../../shared/contract'
import type { BackupsInfo } from '../../shared/backups'
import type { DataPaths } from '../data-dir'
import { KEEP_BACKUPS, listBackups } from '../store/backups'
import { pendingRestore, stageRestore } from '../store/pending-restore'

export function createBackupService(
  paths: DataPaths,
  lastRestore: BackupsInfo['lastRestore']
): ApiHandlers['backups'] {
  const info = (): BackupsInfo => ({
    dir: paths.backups,
    keep: KEEP_BACKUPS,
    backups: listBackups(paths.backups).map(({ file, createdAt, bytes }) => ({ file, createdAt, bytes })),
    pendingRestore: pendingRestore(paths),
    lastRestore
  })
  return {
    async list() {
      return info()
    },
    async restore({ file }) {
      stageRestore(paths, file)
      return info()
    }
  }
}
