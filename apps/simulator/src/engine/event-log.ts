import { closeSync, openSync, writeSync } from "node:fs"

/** Where the event log goes: one JSON object per line (SPEC B7 event log). */
export interface EventSink {
  readonly line: (json: string) => void
  readonly close: () => void
}

const CHUNK = 1 << 20

/** A JSON-lines file, written in large chunks so a long run pays little for its log. */
export const fileSink = (path: string): EventSink => {
  const fd = openSync(path, "w")
  let parts: string[] = []
  let size = 0
  const flush = () => {
    if (parts.length === 0) return
    writeSync(fd, parts.join(""))
    parts = []
    size = 0
  }
  return {
    line: (json) => {
      parts.push(json, "\n")
      size += json.length + 1
      if (size >= CHUNK) flush()
    },
    close: () => {
      flush()
      closeSync(fd)
    },
  }
}

/** Lines kept in memory (tests). */
export const memorySink = (): EventSink & { readonly lines: string[] } => {
  const lines: string[] = []
  return { lines, line: (json) => void lines.push(json), close: () => {} }
}
