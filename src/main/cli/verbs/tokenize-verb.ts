// `lora-studio tokenize`: how a model's tokenizer cuts a text (GPT-2's byte-level BPE cuts a Chinese
// character into pieces of bytes). Tokens are shown as text with \xHH for the bytes of a character cut
// between tokens, and joined per character into readable pieces (see shared/token-pieces.ts).
import { existsSync, readFileSync, statSync } from 'node:fs'
import { ServiceError } from '../../../shared/errors'
import { readableTokens } from '../../../shared/token-pieces'
import { modelTokenizer } from '../../evaluate/perplexity-samples'
import { flagOptions, type CliVerb, type VerbRun } from '../cli-verb'
import { modelArg } from '../model-arg'

const usage = `lora-studio tokenize --model NAME|DIR (--text T | --file F) [--json]

  --model NAME|DIR   a registered model's name, or a folder with tokenizer files
  --text T           the text to tokenize
  --file F           a UTF-8 text file to tokenize
  --json             print {"ids", "tokens", "count", "pieces"}: tokens one per id (\\xHH: bytes of a
                     character cut between tokens), pieces the tokens joined per character`

function textOf(values: VerbRun['values']): string {
  const text = values.text
  const file = values.file
  if (typeof text === 'string' && typeof file === 'string') {
    throw new ServiceError('invalid_input', 'give either --text or --file, not both')
  }
  if (typeof text === 'string') return text
  if (typeof file === 'string') {
    if (!existsSync(file) || !statSync(file).isFile()) {
      throw new ServiceError('invalid_input', `--file: ${file} does not exist; give a text file`)
    }
    return readFileSync(file, 'utf8')
  }
  throw new ServiceError('invalid_input', '--text T or --file F is required: what to tokenize')
}

export const tokenizeVerb: CliVerb = {
  name: 'tokenize',
  summary: "Show how a model's tokenizer cuts a text: ids, tokens, and tokens joined per character",
  usage,
  options: flagOptions(['model', 'text', 'file']),
  async run({ values, json, io, openContext }) {
    const text = textOf(values)
    const context = await openContext()
    const model = modelArg(context.store, values.model)
    const tokenizer = await modelTokenizer(model.path)
    const ids = tokenizer.encode(text)
    const { tokens, pieces } = readableTokens(ids.map((id) => tokenizer.decodeBytes([id])))
    if (json) {
      io.out(
        JSON.stringify({
          ids,
          tokens,
          count: ids.length,
          pieces: pieces.map((p) => ({ text: p.text, ids: p.tokens.map((t) => ids[t]) }))
        })
      )
      return
    }
    io.out(`${ids.length} token${ids.length === 1 ? '' : 's'}, ${[...text].length} characters`)
    for (const piece of pieces) {
      const parts = piece.tokens.map((t) =>
        piece.tokens.length === 1 ? `${ids[t]}` : `${ids[t]} (${tokens[t]})`
      )
      io.out(`${JSON.stringify(piece.text).padEnd(12)} ${parts.join(' ')}`)
    }
  }
}
