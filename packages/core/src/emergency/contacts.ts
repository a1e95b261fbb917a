import { Result } from "effect"
import { InvalidField } from "../kernel/errors"

/**
 * E9/E11: a rep's emergency contacts, entered as one line of addresses separated by semicolons.
 * The Greek question mark (U+037E), which is the semicolon of Greek keyboards, separates too.
 * "Name <address>" as mail programs copy it is accepted and kept as typed (issue 19: the admin
 * sees the name again); the email goes to the address alone (`contactAddress`).
 */
export const MAX_CONTACTS = 20

const SEPARATOR = /[;\u037E]/
const NAMED = /^([^<>]*)<([^<>]+)>$/
const LOCAL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/
const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/

/** A plain address (no display name, no comments), as a mail provider will take it. */
export const isEmailAddress = (address: string): boolean => {
  if (address.length > 254) return false
  const at = address.lastIndexOf("@")
  if (at <= 0 || at > 64) return false
  const local = address.slice(0, at)
  const labels = address.slice(at + 1).split(".")
  if (!LOCAL.test(local) || labels.length < 2) return false
  const tld = labels[labels.length - 1] ?? ""
  return labels.every((l) => LABEL.test(l)) && /^[A-Za-z]{2,}$|^xn--/.test(tld)
}

/** The address of a contact as stored ("Sam Lima <sam@example.org>" or a bare address). */
export const contactAddress = (contact: string): string => (NAMED.exec(contact)?.[2] ?? contact).trim()

/** An entry as stored: "Name <address>" with the spaces tidied, or the bare address. */
const stored = (entry: string, address: string): string => {
  const name = (NAMED.exec(entry)?.[1] ?? "").trim().replace(/\s+/g, " ")
  return name === "" ? address : `${name} <${address}>`
}

const bad = (entry: string, position: number): InvalidField => {
  const hint = entry.includes(",") ? "; separate addresses with semicolons" : ""
  return new InvalidField({
    field: "contacts",
    message: `'${entry}' (address ${position}) is not a valid email address${hint}`,
  })
}

/**
 * Parse and validate the whole line: every address must be valid, or nothing changes and the
 * error names the first bad one. Empty entries (a trailing `;`) are skipped, repeats dropped;
 * an empty line clears the list.
 */
export const parseContacts = (input: string): Result.Result<readonly string[], InvalidField> => {
  const out: string[] = []
  const seen = new Set<string>()
  let position = 0
  for (const raw of input.split(SEPARATOR)) {
    const entry = raw.trim()
    if (entry === "") continue
    position += 1
    const address = contactAddress(entry)
    if (!isEmailAddress(address)) return Result.fail(bad(entry, position))
    const key = address.toLowerCase()
    if (seen.has(key)) continue
    seen.add(key)
    out.push(stored(entry, address))
  }
  if (out.length > MAX_CONTACTS) {
    return Result.fail(
      new InvalidField({
        field: "contacts",
        message: `at most ${MAX_CONTACTS} addresses (got ${out.length})`,
      }),
    )
  }
  return Result.succeed(out)
}
