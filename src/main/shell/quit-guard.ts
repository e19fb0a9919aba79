// The desktop app's quit: the first quit is held until the app context has closed (the training run
// stopped with a checkpoint, the engine and database shut down; bounded by AppContext.close), and
// every further quit meanwhile is held too, so pressing quit twice never cuts the checkpoint.
export interface QuitEvent {
  preventDefault(): void
}

/** The part of Electron's `app` this needs (a fake in tests). */
export interface QuittingApp {
  on(event: 'before-quit', listener: (event: QuitEvent) => void): unknown
  quit(): void
}

export function holdQuitUntilClosed(
  app: QuittingApp,
  close: () => Promise<void>,
  onError: (err: unknown) => void
): void {
  let state: 'open' | 'closing' | 'closed' = 'open'
  app.on('before-quit', (event) => {
    if (state === 'closed') return
    event.preventDefault()
    if (state === 'closing') return
    state = 'closing'
    close()
      .catch(onError)
      .finally(() => {
        state = 'closed'
        app.quit()
      })
  })
}
