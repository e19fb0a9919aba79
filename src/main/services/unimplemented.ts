// Stand-in handlers for a contract domain whose service has not been wired into the app context
// yet: every method answers with a clear error instead of the app failing to start.
import { contract, type ApiHandlers, type Domain } from '../../shared/contract'
import { ServiceError } from '../../shared/errors'

export function unimplemented<D extends Domain>(domain: D): ApiHandlers[D] {
  const handlers: Record<string, () => Promise<never>> = {}
  for (const method of Object.keys(contract[domain])) {
    handlers[method] = async () => {
      throw new ServiceError(
        'internal',
        `${domain}.${method} is not available in this build of LoRA Studio yet`
      )
    }
  }
  return handlers as unknown as ApiHandlers[D]
}
