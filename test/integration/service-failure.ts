// The ServiceError a service call fails with (the test fails if it succeeds or throws something else).
import { expect } from 'vitest'
import { ServiceError } from '../../src/shared/errors'

export async function failure(promise: Promise<unknown>): Promise<ServiceError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e
  )
  expect(err).toBeInstanceOf(ServiceError)
  return err as ServiceError
}
