// The tests that check a refusal's words: await a promise that must reject with a ServiceError, and get
// that error back to assert on its message, code and issues.
import { expect } from 'vitest'
import { ServiceError } from '../../src/shared/errors'

/** The ServiceError `promise` rejects with; fails the test if it resolves or rejects with anything else. */
export async function serviceFailure(promise: Promise<unknown>): Promise<ServiceError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e
  )
  expect(err).toBeInstanceOf(ServiceError)
  return err as ServiceError
}
