// Turns SQLite's "database disk image is malformed" / "file is not a database", wherever it surfaces
// (opening the store, the integrity check, or a query long after), into one error that names the
// database file and the way out, instead of a bare SQLite message or an `internal` error.
import { ServiceError } from '../../shared/errors'

const corruptionCodes = new Set(['SQLITE_CORRUPT', 'SQLITE_NOTADB'])

/** Whether `err` is SQLite saying the file's pages cannot be read (SQLITE_CORRUPT*, SQLITE_NOTADB). */
export function isCorruptionError(err: unknown): boolean {
  if (!(err instanceof Error)) return false
  const code = (err as { code?: unknown }).code
  if (typeof code === 'string' && [...corruptionCodes].some((c) => code === c || code.startsWith(`${c}_`)))
    return true
  return /database disk image is malformed|file is not a database/i.test(err.message)
}

export function damagedMessage(path: string, why: string): string {
  return (
    `The database ${path} is damaged (${why}). Restore a backup with \`lora-studio restore-db --latest\` ` +
    '(list them with `lora-studio backups`, or in Settings → Backups), or move the file aside to start empty.'
  )
}

/** The database file cannot be read; says which file and how to restore it. */
export class DatabaseDamagedError extends ServiceError {
  readonly path: string
  constructor(path: string, why: string) {
    super('database_damaged', damagedMessage(path, why))
    this.name = 'DatabaseDamagedError'
    this.path = path
  }
}

/** `err` as a DatabaseDamagedError when it is SQLite corruption, else `err` unchanged. */
export function asDamaged(err: unknown, path: string): unknown {
  if (err instanceof DatabaseDamagedError || !isCorruptionError(err)) return err
  return new DatabaseDamagedError(path, (err as Error).message)
}

type Handler = (input: never) => Promise<unknown>

/**
 * The same handlers, with SQLite corruption met at query time rethrown as DatabaseDamagedError, so the
 * API, the CLI and the UI all name the file rather than answering `internal`.
 */
export function withDamageReport<H extends Record<string, Record<string, Handler>>>(
  handlers: H,
  path: string
): H {
  const wrapped: Record<string, Record<string, Handler>> = {}
  for (const [domain, methods] of Object.entries(handlers)) {
    wrapped[domain] = {}
    for (const [name, fn] of Object.entries(methods)) {
      wrapped[domain][name] = async (input: never) => {
        try {
          return await fn(input)
        } catch (err) {
          throw asDamaged(err, path)
        }
      }
    }
  }
  return wrapped as H
}
