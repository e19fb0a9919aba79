// The dataset service the import tests drive directly: on a fresh database in `dataDir`, tokenizing with
// GPT-2's tokenizer, its progress events handed to `emit` (dropped when left out).
import { join } from 'node:path'
import { createDatasetService, type DatasetServiceDeps } from '../../src/main/datasets/dataset-service'
import { defaultTokenizer } from '../../src/main/datasets/default-tokenizer'
import { openStore, type Store } from '../../src/main/store/store'
import type { ApiHandlers } from '../../src/shared/contract'

export function openDatasetService(
  dataDir: string,
  emit: DatasetServiceDeps['emit'] = () => undefined
): { store: Store; service: ApiHandlers['datasets'] } {
  const store = openStore(join(dataDir, 'studio.db'))
  const service = createDatasetService({
    db: store.db,
    dataDir,
    tokenizerFor: () => defaultTokenizer(),
    emit
  })
  return { store, service }
}
