/**
 * A bounded memory of event ids already handled, for a webhook that wants to drop a provider's
 * repeat delivery cheaply before it reaches the store (N2). It forgets the oldest ids first and
 * everything on restart, so it is a shortcut, not the guarantee: the store's idempotency key is.
 */
export interface SeenIds {
  /** True the first time an id is offered (and remembers it); false for a repeat. */
  readonly firstSight: (id: string) => boolean
  readonly has: (id: string) => boolean
  readonly size: () => number
}

export const makeSeenIds = (capacity = 10_000): SeenIds => {
  if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError("capacity must be a positive integer")
  // A Set iterates in insertion order, so its first element is the oldest.
  const ids = new Set<string>()
  return {
    firstSight: (id) => {
      if (ids.has(id)) return false
      ids.add(id)
      if (ids.size > capacity) {
        const oldest = ids.values().next()
        if (oldest.done !== true) ids.delete(oldest.value)
      }
      return true
    },
    has: (id) => ids.has(id),
    size: () => ids.size,
  }
}
