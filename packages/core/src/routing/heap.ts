/**
 * A binary min-heap whose elements remember their own slot (`heapIndex`), so an element can be
 * removed or re-keyed in O(log n) without a search. Each element lives in at most one heap.
 * The router keeps one per queue for its offerable reps; the virtual clock keeps its timers in one.
 */
export interface HeapSlot {
  heapIndex: number
}

export const NOT_IN_HEAP = -1

export class IndexedHeap<T extends HeapSlot> {
  private readonly items: T[] = []

  constructor(private readonly before: (a: T, b: T) => boolean) {}

  get size(): number {
    return this.items.length
  }

  peek(): T | undefined {
    return this.items[0]
  }

  has(item: T): boolean {
    return item.heapIndex !== NOT_IN_HEAP && this.items[item.heapIndex] === item
  }

  push(item: T): void {
    item.heapIndex = this.items.length
    this.items.push(item)
    this.up(item.heapIndex)
  }

  pop(): T | undefined {
    const top = this.items[0]
    if (top !== undefined) this.remove(top)
    return top
  }

  remove(item: T): void {
    const i = item.heapIndex
    const last = this.items.pop() as T
    item.heapIndex = NOT_IN_HEAP
    if (last === item) return
    this.items[i] = last
    last.heapIndex = i
    this.update(last)
  }

  /** Restore order after the element's key changed in either direction. */
  update(item: T): void {
    this.up(item.heapIndex)
    this.down(item.heapIndex)
  }

  /** The elements in no particular order (for views and checks, not for the hot path). */
  unordered(): readonly T[] {
    return this.items
  }

  private up(start: number): void {
    const items = this.items
    let i = start
    const item = items[i] as T
    while (i > 0) {
      const parentIndex = (i - 1) >> 1
      const parent = items[parentIndex] as T
      if (!this.before(item, parent)) break
      items[i] = parent
      parent.heapIndex = i
      i = parentIndex
    }
    items[i] = item
    item.heapIndex = i
  }

  private down(start: number): void {
    const items = this.items
    const n = items.length
    let i = start
    const item = items[i] as T
    for (;;) {
      const left = 2 * i + 1
      if (left >= n) break
      const right = left + 1
      let child = left
      if (right < n && this.before(items[right] as T, items[left] as T)) child = right
      const childItem = items[child] as T
      if (!this.before(childItem, item)) break
      items[i] = childItem
      childItem.heapIndex = i
      i = child
    }
    items[i] = item
    item.heapIndex = i
  }
}
