/**
 * A keyset page of records already selected and in order: the first `limit`, and the cursor of
 * the last of them when more follow (there is a next page). The read models' memory reads share it.
 */
export const keysetPage = <R, C>(
  selected: readonly R[],
  limit: number,
  cursorOf: (last: R) => C,
): { readonly records: R[]; readonly next: C | null } => {
  const records = selected.slice(0, limit)
  const last = records.at(-1)
  return { records, next: selected.length > limit && last !== undefined ? cursorOf(last) : null }
}

/**
 * One step of a keyed projector: the stored records the events touch, copied (the projection
 * changes them in place), keyed by `keyOf`, and `project` applied to them; the records it
 * reports changed, to be written back. The read models' SQL steps share it.
 */
export const projectTouched = <R, E>(
  stored: Iterable<R>,
  events: readonly E[],
  keyOf: (record: R) => string,
  copy: (record: R) => R,
  project: (records: Map<string, R>, events: readonly E[]) => Iterable<string>,
): R[] => {
  const records = new Map<string, R>()
  for (const r of stored) records.set(keyOf(r), copy(r))
  const out: R[] = []
  for (const id of project(records, events)) {
    const record = records.get(id)
    if (record !== undefined) out.push(record)
  }
  return out
}
