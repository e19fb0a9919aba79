// Entry of the tokenizing worker thread: builds each import's tokenizer from its source (cached) and
// processes batches of records (tokenize, fit to the max length, count), so this CPU work, about a
// second per few MB of text, never runs on main, where it would stall the UI and the socket.
import { parentPort } from 'node:worker_threads'
import { processBatch } from './record-batches'
import type { TextTokenizer, TokenizerSource } from './text-tokenizer'
import { loadTokenizer } from './tokenizer-source'
import type { FromTokenizeWorker, TokenizeBatch } from './tokenize-worker-protocol'

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

port.on('message', (batch: TokenizeBatch) => {
  tokenizerFor(batch.source)
    .then((tokenizer) =>
      send({ kind: 'result', id: batch.id, result: processBatch(batch.records, batch.settings, tokenizer) })
    )
    .catch((err: unknown) =>
      send({ kind: 'error', id: batch.id, message: err instanceof Error ? err.message : String(err) })
    )
})
