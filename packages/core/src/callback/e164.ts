/**
 * B2: a callback number must be E.164 and dialable before a request is accepted.
 *
 * E.164: "+", a country code that does not start with 0, and at most 15 digits in all; we ask for
 * at least 7 (the shortest national numbers with their country code). North American numbers
 * (+1) must have the NANP shape: a 3-digit area code and exchange that do not start with 0 or 1.
 *
 * Dialable: some E.164 numbers are valid but cannot be called back from a contact-center trunk,
 * or only at a premium: the international freephone and shared-cost services, the global
 * satellite and network codes, international premium rate, and the trial code. The table is
 * data; an operator who can reach one of them removes it here.
 */
const E164 = /^\+[1-9]\d{6,14}$/
const NANP = /^\+1[2-9]\d{2}[2-9]\d{6}$/

export const UNDIALABLE_PREFIXES: readonly { readonly prefix: string; readonly what: string }[] = [
  { prefix: "+800", what: "international freephone" },
  { prefix: "+808", what: "international shared cost" },
  { prefix: "+870", what: "satellite (Inmarsat)" },
  { prefix: "+878", what: "universal personal telecommunications" },
  { prefix: "+881", what: "global mobile satellite" },
  { prefix: "+882", what: "international networks" },
  { prefix: "+883", what: "international networks" },
  { prefix: "+888", what: "international humanitarian services" },
  { prefix: "+979", what: "international premium rate" },
  { prefix: "+991", what: "trial service" },
  { prefix: "+1900", what: "North American premium rate" },
  { prefix: "+1976", what: "North American premium rate" },
]

/** Why `number` cannot be called back, or undefined when it can. */
export const numberProblem = (number: string): string | undefined => {
  if (!E164.test(number)) return "must be an E.164 number: '+', country code and number, 7 to 15 digits"
  if (number.startsWith("+1") && !NANP.test(number)) return "is not a valid North American number"
  const undialable = UNDIALABLE_PREFIXES.find((u) => number.startsWith(u.prefix))
  if (undialable !== undefined) return `cannot be called back (${undialable.what})`
  return undefined
}

export const isDialable = (number: string | null | undefined): number is string =>
  typeof number === "string" && numberProblem(number) === undefined
