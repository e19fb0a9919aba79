// What the run and the run-queue state machines share: a table of moves (from which statuses, to which,
// by whom, when), the test of one move against it, and the error that names both statuses, the actor
// and what that actor may do instead. Each machine's own table lives in its module (run-states.ts,
// queue-states.ts).

export interface Transition<S extends string, A extends string> {
  from: readonly S[]
  to: S
  by: readonly A[]
  when: string
}

export function allows<S extends string, A extends string>(
  table: readonly Transition<S, A>[],
  from: S,
  to: S,
  by: A
): boolean {
  return table.some((t) => t.to === to && t.from.includes(from) && t.by.includes(by))
}

/** A refused move: names both statuses, the actor, and what that actor may do instead. */
export class TransitionError<S extends string, A extends string> extends Error {
  constructor(
    what: string,
    table: readonly Transition<S, A>[],
    readonly from: S,
    readonly to: S,
    readonly by: A
  ) {
    super(refusal(what, table, from, to, by))
    this.name = new.target.name
  }
}

/** A machine's two tests: whether a move is allowed, and the move's target or the machine's own error. */
export function moveChecks<S extends string, A extends string>(
  table: readonly Transition<S, A>[],
  refuse: (from: S, to: S, by: A) => Error
) {
  return {
    can: (from: S, to: S, by: A): boolean => allows(table, from, to, by),
    check<T extends S>(from: S, to: T, by: A): T {
      if (!allows(table, from, to, by)) throw refuse(from, to, by)
      return to
    }
  }
}

/** "A run cannot go from X to Y by the Z; from X the Z may move it to …" for `what` = 'run'. */
export function refusal<S extends string, A extends string>(
  what: string,
  table: readonly Transition<S, A>[],
  from: S,
  to: S,
  by: A
): string {
  const open = table.filter((t) => t.from.includes(from) && t.by.includes(by)).map((t) => t.to)
  const instead =
    open.length > 0
      ? `from ${from} the ${by} may move it to ${open.join(', ')}.`
      : `the ${by} may not move a ${from} ${what}.`
  return `A ${what} cannot go from ${from} to ${to} by the ${by}; ${instead}`
}
