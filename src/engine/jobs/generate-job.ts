// The `generate` job: answers one prompt with a model and an optional adapter (both kept loaded between
// calls), fitting the conversation into the context, streaming text as it appears, and returning what was
// generated so far when cancelled. Jobs run one at a time, since they share the loaded model.
import { ServiceError } from '../../shared/errors'
import type { GenerateJobInput, GenerateJobOutput } from '../../shared/generation-protocol'
import { engineBackend } from '../backend'
import { generate as runGeneration } from '../generation/generate'
import { GenerationModels } from '../generation/generation-models'
import { validateGenerationOptions, type GenerationOptions } from '../generation/generation-options'
import { encodePieces, fitPrompt, promptBudget } from '../generation/prompt-fit'
import type { JobHandler } from '../job-registry'

const models = new GenerationModels()
let queue: Promise<unknown> = Promise.resolve()

/** Runs `task` after every generation queued before it. */
function serially<T>(task: () => Promise<T>): Promise<T> {
  const run = queue.then(task, task)
  queue = run.catch(() => undefined)
  return run
}

/** A bad option as an input error naming the field (`options.topK`), as the API reports its own checks. */
function checkOptions(options: GenerationOptions, vocabSize: number): void {
  const issue = (field: string, message: string) =>
    new ServiceError('invalid_input', `options.${field}: ${message}`, [{ path: `options.${field}`, message }])
  if (options.topK > vocabSize) {
    throw issue('topK', `must be at most the model's vocabulary size (${vocabSize}); 0 turns top-k off`)
  }
  try {
    validateGenerationOptions(options, vocabSize)
  } catch (err) {
    const field = /^generation option (\w+) /.exec((err as Error).message)?.[1]
    if (err instanceof RangeError && field) throw issue(field, err.message)
    throw err
  }
}

function cancelledBeforeStart(): GenerateJobOutput {
  return {
    text: '',
    ids: [],
    finishReason: 'cancelled',
    promptTokens: 0,
    droppedTurns: 0,
    promptCropped: 0,
    newTokens: 0,
    tokensPerSecond: 0,
    elapsedMs: 0,
    prefillMs: 0,
    loadMs: 0
  }
}

async function answer(
  input: GenerateJobInput,
  signal: AbortSignal,
  onDelta: (delta: string, tokens: number) => void
): Promise<GenerateJobOutput> {
  if (signal.aborted) return cancelledBeforeStart()
  await engineBackend()
  const { lm, tokenizer, loadMs } = await models.use(input.modelPath, input.adapterPath)
  const modelEos = lm.model.dims.eosTokenId
  const eosTokenId = modelEos !== null && modelEos < lm.vocabSize ? modelEos : tokenizer.eosTokenId
  const options: GenerationOptions = { ...input.options, eosTokenId }
  checkOptions(options, lm.vocabSize)
  const prefix = tokenizer.prefixIds
  const fitted = fitPrompt(
    input.prompt,
    (pieces) => encodePieces(pieces, (text) => tokenizer.encode(text), eosTokenId),
    promptBudget(options.maxNewTokens, lm.maxPositions) - prefix.length
  )
  // what the tokenizer puts first (Llama 3's <|begin_of_text|>), unless the chat template wrote it
  const startsWithPrefix = prefix.every((id, i) => fitted.ids[i] === id)
  const promptIds = startsWithPrefix ? fitted.ids : [...prefix, ...fitted.ids]
  let tokens = 0
  const result = await runGeneration(lm, promptIds, options, {
    decodeBytes: (ids) => tokenizer.decodeBytes(ids.filter((id) => id < tokenizer.vocabSize)),
    onToken: (_id, delta) => {
      tokens++
      if (delta !== '') onDelta(delta, tokens)
    },
    signal
  })
  return {
    text: result.text,
    ids: result.ids,
    finishReason: result.finishReason,
    promptTokens: result.promptTokens,
    droppedTurns: fitted.droppedTurns,
    promptCropped: result.promptCropped,
    newTokens: result.newTokens,
    tokensPerSecond: result.tokensPerSecond,
    elapsedMs: result.elapsedMs,
    prefillMs: result.prefillMs,
    loadMs
  }
}

export const generate: JobHandler<'generate'> = (input, { signal, emit }) =>
  serially(() => answer(input, signal, (delta, tokens) => emit('generateToken', { delta, tokens })))
