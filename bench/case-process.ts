// Entry of the child process that runs one bench case, so each case's peak memory is its own: the request
// comes as a JSON argument, the result goes back over IPC (or to stdout as JSON when run by hand).
import { reportOutcome, type ChildMessage } from './child-outcome'
import { runCase } from './run-case'
import type { CaseRequest } from './run-case'

export type CaseMessage = ChildMessage<Awaited<ReturnType<typeof runCase>>>

function parseRequest(argv: string[]): CaseRequest {
  const raw = argv[0]
  if (raw === undefined) {
    throw new Error('case-process needs a JSON request argument, e.g. {"case":"train-tiny","profile":false}')
  }
  return JSON.parse(raw) as CaseRequest
}

reportOutcome(runCase(parseRequest(process.argv.slice(2))))
