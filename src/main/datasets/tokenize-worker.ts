// Entry of the datasets worker thread: builds each import's tokenizer from its source (cached) and
// processes batches of records (tokenize, fit to the max length, count), and writes the sample
// files, so this CPU work (about a second per few MB of text; the CWE catalogue's parse) never runs
// on main, where it would stall the UI and the socket.
import { parentPort } from 'node:worker_threads'
import { processBatch } from './record-batches'
import { writeSampleFile } from './sample-files'
import type { TextTokenizer, TokenizerSource } from './text-tokenizer'
import { loadTokenizer } from './tokenizer-source'
import type { FromTokenizeWorker, ToTokenizeWorker } from './tokenize-worker-protocol'

const port = parentPort
if (port === null) throw new Error('tokenize-worker runs as a worker thread of main')

const tokenizers = new Map<string, Promise<TextTokenizer>>()

function tokenizerFor(source: TokenizerSource): Promise<TextTokenizer> {
  const key = JSON.stringify(source)
  let tokenizer = tokenizers.get(key)
  if (!tokenizer) {
    tokenizer = loadTokenizer(source)
    tokenizer.catch(() => tokenizers.delete(key))
    tokenizers.set(key, tokenizer)
  }
  return tokenizer
}

const send = (message: FromTokenizeWorker): void => port.postMessage(message)

async function handle(message: ToTokenizeWorker): Promise<FromTokenizeWorker> {
  if (message.kind === 'sample') {
    writeSampleFile(message.sample, message.path)
    return { kind: 'written', id: message.id }
  }
  const tokenizer = await tokenizerFor(message.source)
  return {
    kind: 'result',
    id: message.id,
    result: processBatch(message.records, message.settings, tokenizer)
  }
}

port.on('message', (message: ToTokenizeWorker) => {
  handle(message).then(send, (err: unknown) =>
    send({ kind: 'error', id: message.id, message: err instanceof Error ? err.message : String(err) })
  )
})
