// Entry of an import's tokenizing worker thread: builds the import's tokenizer from its source and
// processes batches of records (tokenize, fit to the max length, count), so this CPU work, about a
// second per few MB of text, never runs on main, where it would stall the UI and the socket.
import { parentPort } from 'node:worker_threads'
import { processBatch, type ProcessSettings } from './record-batches'
import type { TextTokenizer } from './text-tokenizer'
import { loadTokenizer } from './tokenizer-source'
import type { FromTokenizeWorker, ToTokenizeWorker } from './tokenize-worker-protocol'

const port = parentPort
if (port === null) throw new Error('tokenize-worker runs as a worker thread of main')

let ready: { tokenizer: TextTokenizer; settings: ProcessSettings } | null = null

const send = (message: FromTokenizeWorker): void => port.postMessage(message)
const describe = (err: unknown): string => (err instanceof Error ? err.message : String(err))

port.on('message', (message: ToTokenizeWorker) => {
  if (message.kind === 'init') {
    loadTokenizer(message.source).then(
      (tokenizer) => {
        ready = { tokenizer, settings: message.settings }
        send({ kind: 'ready' })
      },
      (err: unknown) => send({ kind: 'error', id: null, message: describe(err) })
    )
    return
  }
  try {
    if (!ready) throw new Error('internal: a batch came before the tokenizer was ready')
    send({
      kind: 'result',
      id: message.id,
      result: processBatch(message.records, ready.settings, ready.tokenizer)
    })
  } catch (err) {
    send({ kind: 'error', id: message.id, message: describe(err) })
  }
})
