// Entry of the `lora-studio` command (bin/lora-studio.mjs runs it through tsx).
import { runCli } from './run-cli'

const code = await runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`)
})
process.exitCode = code
