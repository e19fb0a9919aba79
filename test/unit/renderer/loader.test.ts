// The stores' shared load bookkeeping: loaded/loading/error move as a list view expects, and a failed
// load keeps the earlier value and shows the service's words.
import { describe, expect, it } from 'vitest'
import { useLoader } from '../../../src/renderer/stores/loader'

describe('useLoader', () => {
  it('hands the value over, marks it loaded, and clears an earlier error', async () => {
    let value: string[] = []
    let fail = true
    const loader = useLoader(
      async () => {
        if (fail) throw new Error('The database is locked.')
        return ['alpaca']
      },
      (items) => {
        value = items
      }
    )
    const first = loader.load()
    expect(loader.loading.value).toBe(true)
    await first
    expect(loader.loading.value).toBe(false)
    expect(loader.loaded.value).toBe(false)
    expect(loader.loadError.value).toBe('The database is locked.')
    expect(value).toEqual([])

    fail = false
    await loader.load()
    expect(value).toEqual(['alpaca'])
    expect(loader.loaded.value).toBe(true)
    expect(loader.loadError.value).toBeNull()
  })
})
