import { Schema } from "effect"

/**
 * Issue 16, N3: the one rule for ids. Every id a driver accepts (a body field, a path
 * parameter, a scenario step) is decoded with `Id` or `IssuedId`; no module keeps its own copy.
 *
 * Both refuse, with a message naming the field: an empty id, a space at either end, control and
 * format characters (NUL, newlines, zero-width and bidi marks), line and paragraph separators, and
 * lone UTF-16 surrogates (`"\ud800"`: not text, and what `encodeURIComponent` throws on).
 */
const TEXT = /^[^\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]*$/u
const isText = Schema.isPattern(TEXT, {
  message: "must not contain control or format characters, line breaks or lone UTF-16 surrogates",
})
const noSlash = Schema.isPattern(/^[^/]*$/u, { message: "must not contain '/'" })

/** The longest id a client may choose. */
export const ID_MAX_LENGTH = 128
/** The longest id Lifeline or the voice provider makes (an offer, a dial leg, a message). */
export const ISSUED_ID_MAX_LENGTH = 256

/**
 * An id a client chooses: a rep, queue, presence, workstream, item, callback, profile or rule.
 * At most 128 characters and never a `/`, so it is one segment of a path (`/api/reps/{repId}`).
 */
export const Id = Schema.Trimmed.check(
  Schema.isNonEmpty(),
  Schema.isMaxLength(ID_MAX_LENGTH),
  isText,
  noSlash,
)

/**
 * An id Lifeline or the voice provider issues: built from another (offer `call-1~1`, dial leg
 * `cb-7~dial~2`, message `callback~cb-7~dial~2`), or the provider's own (an item may be its call).
 * Ids issued before issue 20 held `/` (`call-1/1`) and are still in stored events, so this keeps
 * accepting a `/`: a client hands such an id back percent-encoded in a path (`call-1%2F1`).
 */
export const IssuedId = Schema.Trimmed.check(
  Schema.isNonEmpty(),
  Schema.isMaxLength(ISSUED_ID_MAX_LENGTH),
  isText,
)

/**
 * Issue 20 (Build 5): what Lifeline puts between the parts of an id it builds from others. `~` is
 * an RFC 3986 unreserved character: `encodeURIComponent` leaves it as it is and no router or
 * proxy treats it as a separator, so an issued id is one path segment as it stands (`/` split it
 * into two and was answered 404 unless sent as `%2F`). `-`, `_` and `.` are just as safe but common
 * inside the ids clients choose; `~` rarely is. The parts after the first are Lifeline's own
 * words and counters, so an id still reads back unambiguously from its last separator.
 */
export const ISSUED_ID_SEPARATOR = "~"

type IdPart = string | number

/**
 * An id built from others: `issuedId("callback", "cb-7", "dial", 2)` is `callback~cb-7~dial~2`.
 * Two to five parts, written out rather than a rest parameter joined: an offer id is made for
 * every offer, and `Array.prototype.join` over a fresh array cost the router about 3% of its time.
 */
export const issuedId = (a: IdPart, b: IdPart, c?: IdPart, d?: IdPart, e?: IdPart): string => {
  let id = `${a}${ISSUED_ID_SEPARATOR}${b}`
  if (c === undefined) return id
  id += `${ISSUED_ID_SEPARATOR}${c}`
  if (d === undefined) return id
  id += `${ISSUED_ID_SEPARATOR}${d}`
  return e === undefined ? id : `${id}${ISSUED_ID_SEPARATOR}${e}`
}
