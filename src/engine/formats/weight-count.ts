// Parameter counts from a model's expected weight shapes, as transformers' `num_parameters()` reports them.

/** Σ of the products of `shapes` (a tied head appears once in the shapes, so it is counted once). */
export function parameterCount(shapes: ReadonlyMap<string, readonly number[]>): number {
  let total = 0
  for (const shape of shapes.values()) total += shape.reduce((a, b) => a * b, 1)
  return total
}
