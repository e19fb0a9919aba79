// The desktop quit: the first quit waits for the app context to close, a second quit meanwhile is
// held as well (it must not cut the run's stop checkpoint), and the quit after closing goes through.
import { describe, expect, it } from 'vitest'
import { holdQuitUntilClosed, type QuitEvent } from '../../../src/main/shell/quit-guard'

function fakeApp() {
  let listener: ((event: QuitEvent) => void) | null = null
  const app = {
    exited: false,
    quits: 0,
    on(_event: 'before-quit', l: (event: QuitEvent) => void) {
      listener = l
    },
    /** What Electron does on quit: before-quit, then exit unless a listener prevented it. */
    quit() {
      app.quits++
      let prevented = false
      listener?.({ preventDefault: () => (prevented = true) })
      if (!prevented) app.exited = true
    }
  }
  return app
}

describe('holdQuitUntilClosed', () => {
  it('holds every quit until close has finished, then quits once', async () => {
    const app = fakeApp()
    let finishClose: () => void = () => undefined
    let closes = 0
    holdQuitUntilClosed(
      app,
      () => {
        closes++
        return new Promise<void>((resolve) => (finishClose = resolve))
      },
      () => undefined
    )
    app.quit()
    expect(app.exited).toBe(false)
    app.quit()
    expect(app.exited).toBe(false)
    expect(closes).toBe(1)
    finishClose()
    await new Promise((resolve) => setImmediate(resolve))
    expect(app.exited).toBe(true)
    expect(closes).toBe(1)
  })

  it('quits even when close fails, and reports the error', async () => {
    const app = fakeApp()
    const errors: unknown[] = []
    holdQuitUntilClosed(
      app,
      () => Promise.reject(new Error('disk gone')),
      (err) => errors.push(err)
    )
    app.quit()
    await new Promise((resolve) => setImmediate(resolve))
    expect(app.exited).toBe(true)
    expect(String(errors[0])).toMatch(/disk gone/)
  })
})
