// Entry of the child process that runs one bench case, so each case's peak memory is its own: the request
// comes as a JSON argument, the result goes back over IPC (or to stdout as JSON when run by hand).
import { runCase } from './run-case'
import type { CaseRequest } from './run-case'

export type CaseMessage =
  { ok: true; result: Awaited<ReturnType<typeof runCase>> } | { ok: false; error: string }

function parseRequest(argv: string[]): CaseRequest {
  const raw = argv[0]
  if (raw === undefined) {
    throw new Error('case-process needs a JSON request argument, e.g. {"case":"train-tiny","profile":false}')
  }
  return JSON.parse(raw) as CaseRequest
}

function finish(message: CaseMessage): void {
  const code = message.ok ? 0 : 1
  if (process.send) {
    process.send(message, () => process.exit(code))
    return
  }
  if (message.ok) process.stdout.write(`${JSON.stringify(message.result)}\n`)
  else process.stderr.write(`${message.error}\n`)
  process.exit(code)
}

runCase(parseRequest(process.argv.slice(2))).then(
  (result) => finish({ ok: true, result }),
  (err: unknown) =>
    finish({ ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) })
)
