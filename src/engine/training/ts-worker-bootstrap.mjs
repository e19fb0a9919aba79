// Starts a TypeScript worker-thread entry when the engine runs from source (tests, CLI, browser
// mode under tsx): worker threads do not inherit tsx's loader, so register it here, then import.
import { workerData } from 'node:worker_threads'
import { pathToFileURL } from 'node:url'
import { register } from 'tsx/esm/api'

register()
await import(pathToFileURL(workerData.tsEntry).href)
