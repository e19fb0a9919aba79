// Chat's base model follows the adapter: a PEFT folder's base_model_name_or_path picks the registered
// model, and an adapter that does not fit the chosen base is said in words (n_embd, layers) up front.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRandomGpt2Folder } from '../../../src/engine/model-factory'
import { writePeftAdapter } from '../../../src/engine/training/peft-adapter'
import { fitProblem, readAdapterShape, readBaseConfig } from '../../../src/main/chat/adapter-fit'
import { resolveTarget } from '../../../src/main/chat/chat-targets'
import { openStore, type Store } from '../../../src/main/store/store'

const work = mkdtempSync(join(tmpdir(), 'adapter-fit-'))
const small = join(work, 'tiny-16')
const wide = join(work, 'tiny-32')
const adapterDir = join(work, 'adapter')
let store: Store
let smallId: number
let wideId: number

beforeAll(async () => {
  await createRandomGpt2Folder(small, { nLayer: 1, nEmbd: 16, nHead: 2, nPositions: 32, seed: 1 })
  await createRandomGpt2Folder(wide, { nLayer: 2, nEmbd: 32, nHead: 2, nPositions: 32, seed: 2 })
  const r = 2
  const modules = new Map<string, { a: Float32Array; b: Float32Array }>()
  for (let layer = 0; layer < 2; layer++) {
    modules.set(`h.${layer}.attn.c_attn`, { a: new Float32Array(r * 32), b: new Float32Array(96 * r) })
  }
  await writePeftAdapter(adapterDir, {
    settings: { r, alpha: 4, dropout: 0, targetModules: ['c_attn'], rsLora: false },
    modules,
    baseModel: 'tiny-32'
  })
  store = openStore(join(work, 'studio.db'))
  smallId = store.models.create({ name: 'tiny-16', path: small, source: 'created' }).id
  wideId = store.models.create({ name: 'tiny-32', path: wide, source: 'created' }).id
})

afterAll(() => {
  store?.close()
  rmSync(work, { recursive: true, force: true })
})

describe("chat's base model for an adapter", () => {
  it('uses the registered model a PEFT folder names as base_model_name_or_path when no model is chosen', () => {
    const { target } = resolveTarget(store, join(work, 'runs'), {
      adapter: { kind: 'path', path: adapterDir }
    })
    expect([target.modelId, target.modelName, target.label]).toEqual([wideId, 'tiny-32', 'tiny-32 + adapter'])
  })

  it('says in words, with both sizes, when the adapter does not fit the chosen base', async () => {
    const shape = await readAdapterShape(adapterDir)
    expect(shape && [shape.nEmbd, shape.layers]).toEqual([32, 2])
    const problem = fitProblem(shape!, await readBaseConfig(small), 'tiny-16', 'tiny-32')
    expect(problem).toBe(
      'This adapter does not fit base model "tiny-16": the adapter was trained on a model with n_embd 32 and 2 layers ' +
        '(the adapter says it was trained on "tiny-32"), "tiny-16" has n_embd 16 and 1 layer. ' +
        'Choose the base model the adapter was trained on.'
    )
    expect(fitProblem(shape!, await readBaseConfig(wide), 'tiny-32', 'tiny-32')).toBeNull()
    expect(smallId).not.toBe(wideId)
  })
})
