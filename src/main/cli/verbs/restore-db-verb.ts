// `lora-studio restore-db FILE|--latest`: puts a backup back in place of studio.db with the database
// closed; the file it replaces is kept beside it (studio.db.damaged-<ts>), never deleted.
import { ServiceError } from '../../../shared/errors'
import { prepareDataDir, resolveDataDir } from '../../data-dir'
import { restoreDatabase } from '../../store/restore-database'
import type { CliVerb } from '../cli-verb'
import { printBackups } from './backups-verb'

export const restoreDbVerb: CliVerb = {
  name: 'restore-db',
  summary:
    'Restore the database from a backup (FILE or --latest; --list shows them); the current file is kept aside',
  usage: 'lora-studio restore-db (FILE | --latest | --list) [--data-dir DIR] [--json]',
  options: { latest: { type: 'boolean' }, list: { type: 'boolean' } },
  positionals: true,
  async run({ values, positionals, dataDir, json, io }) {
    if (values.list === true) {
      printBackups(dataDir, json, io)
      return
    }
    const latest = values.latest === true
    if ((latest ? 0 : 1) !== positionals.length) {
      throw new ServiceError('invalid_input', `give one backup file or --latest (usage: ${this.usage})`)
    }
    const paths = prepareDataDir(resolveDataDir(dataDir))
    const result = restoreDatabase(paths, latest ? 'latest' : positionals[0])
    if (json) {
      io.out(JSON.stringify({ database: paths.database, ...result }))
      return
    }
    io.out(`Restored ${paths.database} from ${result.restored}.`)
    if (result.setAside) {
      io.out(
        `The previous file${result.previousDamaged ? ' (damaged)' : ''} is kept as ${result.setAside}; delete it yourself once you no longer need it.`
      )
    }
  }
}
