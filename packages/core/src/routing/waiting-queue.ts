/**
 * What the heap needs of an item: its service keys (fixed at arrival) and the flags it keeps on
 * the item itself. The routing state's items are these; the heap needs nothing else of them.
 */
export interface Queued {
  readonly keyPrimary: number
  readonly keySecondary: number
  readonly seq: number
  queued: boolean
  queuedGen: number
}

/**
 * A queue's waiting items as a binary min-heap on their service keys (aging.ts). The keys live
 * in typed arrays beside the item references, so a sift compares numbers that sit together in
 * memory instead of chasing 100,000 item objects. Removing an item from the middle (an
 * abandon, an escalation, an offer that skipped the head) only marks its entry stale; stale
 * entries are dropped when they reach the top, or all at once when they outnumber live ones.
 */
export class WaitingQueue<Item extends Queued = Queued> {
  private primary = new Float64Array(64)
  private secondary = new Float64Array(64)
  private seqs = new Float64Array(64)
  private gens = new Float64Array(64)
  private refs: Item[] = []
  /** Entries, stale ones included. */
  private n = 0
  private live = 0

  /** Items waiting (stale entries not counted). */
  get size(): number {
    return this.live
  }

  has(item: Item): boolean {
    return item.queued
  }

  push(item: Item): void {
    if (item.queued) return
    item.queued = true
    item.queuedGen += 1
    this.live += 1
    if (this.n === this.primary.length) this.grow()
    this.write(this.n, item)
    this.n += 1
    this.up(this.n - 1)
  }

  remove(item: Item): void {
    if (!item.queued) return
    item.queued = false
    item.queuedGen += 1
    this.live -= 1
    const stale = this.n - this.live
    if (stale > 64 && stale > this.live) this.compact()
  }

  peek(): Item | undefined {
    while (this.n > 0 && !this.valid(0)) this.removeTop()
    return this.n > 0 ? this.refs[0] : undefined
  }

  pop(): Item | undefined {
    const top = this.peek()
    if (top !== undefined) {
      this.removeTop()
      top.queued = false
      top.queuedGen += 1
      this.live -= 1
    }
    return top
  }

  /** The waiting items in no particular order (for views and checks, not the hot path). */
  unordered(): Item[] {
    const out: Item[] = []
    for (let i = 0; i < this.n; i++) if (this.valid(i)) out.push(this.refs[i] as Item)
    return out
  }

  private valid(i: number): boolean {
    const item = this.refs[i] as Item
    return item.queued && item.queuedGen === this.gens[i]
  }

  private before(i: number, j: number): boolean {
    const p = this.primary
    if (p[i] !== p[j]) return (p[i] as number) < (p[j] as number)
    const s = this.secondary
    if (s[i] !== s[j]) return (s[i] as number) < (s[j] as number)
    return (this.seqs[i] as number) < (this.seqs[j] as number)
  }

  private write(i: number, item: Item): void {
    this.primary[i] = item.keyPrimary
    this.secondary[i] = item.keySecondary
    this.seqs[i] = item.seq
    this.gens[i] = item.queuedGen
    this.refs[i] = item
  }

  private move(from: number, to: number): void {
    this.primary[to] = this.primary[from] as number
    this.secondary[to] = this.secondary[from] as number
    this.seqs[to] = this.seqs[from] as number
    this.gens[to] = this.gens[from] as number
    this.refs[to] = this.refs[from] as Item
  }

  private swap(i: number, j: number): void {
    const item = this.refs[i] as Item
    const g = this.gens[i] as number
    const a = this.primary[i] as number
    const b = this.secondary[i] as number
    const c = this.seqs[i] as number
    this.move(j, i)
    this.primary[j] = a
    this.secondary[j] = b
    this.seqs[j] = c
    this.gens[j] = g
    this.refs[j] = item
  }

  private up(start: number): void {
    let i = start
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!this.before(i, parent)) return
      this.swap(i, parent)
      i = parent
    }
  }

  private down(start: number): void {
    let i = start
    for (;;) {
      const left = 2 * i + 1
      if (left >= this.n) return
      const right = left + 1
      const child = right < this.n && this.before(right, left) ? right : left
      if (!this.before(child, i)) return
      this.swap(i, child)
      i = child
    }
  }

  private removeTop(): void {
    const last = this.n - 1
    if (last > 0) this.move(last, 0)
    this.refs.pop()
    this.n = last
    if (last > 0) this.down(0)
  }

  private grow(): void {
    const size = this.primary.length * 2
    const copy = (a: Float64Array) => {
      const b = new Float64Array(size)
      b.set(a)
      return b
    }
    this.primary = copy(this.primary)
    this.secondary = copy(this.secondary)
    this.seqs = copy(this.seqs)
    this.gens = copy(this.gens)
  }

  /** Drop every stale entry and rebuild the heap. */
  private compact(): void {
    const items = this.unordered()
    this.n = 0
    this.refs.length = 0
    for (const item of items) {
      this.write(this.n, item)
      this.n += 1
      this.up(this.n - 1)
    }
  }
}
