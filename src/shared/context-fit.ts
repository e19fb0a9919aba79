// A max length against the model's context (n_positions), decided the moment a model or a preset is
// chosen rather than after a dry run or Start: the Train form brings a preset down to the context
// with a note and flags a typed value above it; the import wizard warns about the same.

/** A max length that was brought down to the model's context: `from` was asked, `to` is used. */
export interface ContextFit {
  from: number
  to: number
}

/** Whether `maxLength` is more than a model with `context` positions reads (false when either is unknown). */
export function overContext(maxLength: number | null, context: number | null): boolean {
  return maxLength !== null && context !== null && maxLength > context
}

/** The change that brings `maxLength` within `context`, or null when it fits (or the context is unknown). */
export function fitToContext(maxLength: number, context: number | null): ContextFit | null {
  return overContext(maxLength, context) ? { from: maxLength, to: context as number } : null
}
