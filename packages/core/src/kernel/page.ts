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
