/**
 * E1: where a rep may place an emergency call through Lifeline, and which numbers are emergency
 * numbers there. The table is data: it ships with these defaults and an admin may replace it
 * (`ConfigureEmergencyRegions`); the rules below read whatever table the state holds.
 */
export interface RegionPolicy {
  /** ISO 3166-1 alpha-2 code, as the browser's location reports it. */
  readonly region: string
  readonly name: string
  /** Other codes that mean the same region (the UK is GB in ISO 3166). */
  readonly aliases: readonly string[]
  /** The zone used for times in the notification when the browser reports none. */
  readonly timeZone: string
  /** How times are written in the notification (BCP 47). */
  readonly locale: string
  /** Dial strings that reach the emergency service (PSAP). */
  readonly emergencyNumbers: readonly string[]
  /** Dial strings that run the same flow as a check, without a callback lease or an email. */
  readonly testNumbers: readonly string[]
}

/**
 * The supported regions (E1). The sources name 911; the carriers underneath also take 999 and
 * 112 in the UK and 112 in Denmark. 933 is the US address-check test number.
 */
export const DEFAULT_REGIONS: readonly RegionPolicy[] = [
  {
    region: "US",
    name: "United States",
    aliases: [],
    timeZone: "America/New_York",
    locale: "en-US",
    emergencyNumbers: ["911"],
    testNumbers: ["933"],
  },
  {
    region: "CA",
    name: "Canada",
    aliases: [],
    timeZone: "America/Toronto",
    locale: "en-CA",
    emergencyNumbers: ["911"],
    testNumbers: [],
  },
  {
    region: "PR",
    name: "Puerto Rico",
    aliases: [],
    timeZone: "America/Puerto_Rico",
    locale: "en-US",
    emergencyNumbers: ["911"],
    testNumbers: [],
  },
  {
    region: "GB",
    name: "United Kingdom",
    aliases: ["UK"],
    timeZone: "Europe/London",
    locale: "en-GB",
    emergencyNumbers: ["999", "112", "911"],
    testNumbers: [],
  },
  {
    region: "DK",
    name: "Denmark",
    aliases: [],
    timeZone: "Europe/Copenhagen",
    locale: "da-DK",
    emergencyNumbers: ["112", "911"],
    testNumbers: [],
  },
]

/** A region table indexed for the dial decision. */
export interface RegionTable {
  readonly list: readonly RegionPolicy[]
  /** By code and by alias, upper case. */
  readonly byCode: ReadonlyMap<string, RegionPolicy>
  /** Every emergency and test number of any region: what makes a dial string our concern. */
  readonly anyNumber: ReadonlySet<string>
}

export const regionTable = (list: readonly RegionPolicy[]): RegionTable => {
  const byCode = new Map<string, RegionPolicy>()
  const anyNumber = new Set<string>()
  for (const policy of list) {
    byCode.set(policy.region.toUpperCase(), policy)
    for (const alias of policy.aliases) byCode.set(alias.toUpperCase(), policy)
    for (const n of [...policy.emergencyNumbers, ...policy.testNumbers]) anyNumber.add(n)
  }
  return { list, byCode, anyNumber }
}

/**
 * The digits of what the rep dialled, with the separators people type ("9-1-1", "9 1 1") taken
 * out; undefined when it holds anything else (a '+', letters, '*', '#'), which no emergency
 * number does.
 */
export const dialDigits = (dialString: string): string | undefined => {
  const digits = dialString.replace(/[\s\-.()]/g, "")
  return /^\d+$/.test(digits) ? digits : undefined
}

export const regionOf = (table: RegionTable, code: string | null): RegionPolicy | undefined =>
  code === null ? undefined : table.byCode.get(code.trim().toUpperCase())

export type NumberKind = "emergency" | "test"

/** What a dial string is in a region: an emergency number, the test number, or neither. */
export const numberKind = (policy: RegionPolicy, digits: string): NumberKind | undefined =>
  policy.emergencyNumbers.includes(digits)
    ? "emergency"
    : policy.testNumbers.includes(digits)
      ? "test"
      : undefined

/** Is `timeZone` an IANA zone this runtime knows? */
export const isTimeZone = (timeZone: string): boolean => {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone })
    return true
  } catch {
    return false
  }
}

export const isLocale = (locale: string): boolean => {
  try {
    return Intl.getCanonicalLocales(locale).length === 1
  } catch {
    return false
  }
}
