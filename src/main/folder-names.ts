// The names in a folder the app sweeps or lists (spool files, database backups), where a folder that is
// not there yet simply holds nothing.
import { readdirSync } from 'node:fs'

/** The entries of `dir`; none when it cannot be read (missing, or not a folder). */
export function folderNames(dir: string): string[] {
  try {
    return readdirSync(dir)
  } catch {
    return []
  }
}
