import { Result } from "effect"
import { stampOf } from "../audit/actor"
import type { CenterDecision } from "../center/module"
import type { CenterState } from "../center/state"
import type { SharedError } from "../kernel/errors"
import { InvalidField, UnknownEntity } from "../kernel/errors"
import { hasRep } from "../routing/reads"
import type { EmergencyCommandOf } from "./commands"
import { parseContacts } from "./contacts"
import type { EmergencyEvent } from "./events"
import { validateTemplate } from "./notification-template"
import { isLocale, isTimeZone } from "./regions"

/** Admin commands (E1 table, E2/E3 set-up, E5/B5 pool, E9/E11 notification). Errors name the field. */
export type SettingsCommand = EmergencyCommandOf<
  | "ConfigureEmergencyRegions"
  | "DefineOutboundVoiceProfile"
  | "ConfigureEmergencyCarrier"
  | "ConfigureCallbackPool"
  | "SetEmergencyContacts"
  | "SetRepMailbox"
  | "SetNotificationTemplate"
>

const ok = (...events: EmergencyEvent[]): CenterDecision => Result.succeed(events)
const fail = (error: SharedError): CenterDecision => Result.fail(error)
const invalid = (field: string, message: string): CenterDecision => fail(new InvalidField({ field, message }))

/** The index of the first repeat in `values`, or -1. */
const firstRepeat = (values: readonly string[]): number => values.findIndex((v, i) => values.indexOf(v) !== i)

export const decideSettings = (state: CenterState, command: SettingsCommand, now: number): CenterDecision => {
  const stamp = stampOf(command, now)
  switch (command._tag) {
    case "ConfigureEmergencyRegions":
      return configureRegions(command, now)
    case "DefineOutboundVoiceProfile": {
      const { _tag, actor, ...profile } = command
      return ok({ _tag: "OutboundVoiceProfileDefined", ...profile, ...stamp })
    }
    case "ConfigureEmergencyCarrier": {
      const dup = firstRepeat(command.callingPlanNumbers)
      if (dup >= 0) return invalid(`callingPlanNumbers[${dup}]`, "is listed twice")
      const rule = firstRepeat(command.directRoutingRules.map((r) => r.ruleId))
      if (rule >= 0) return invalid(`directRoutingRules[${rule}].ruleId`, "is used twice")
      const { callingPlanNumbers, directRoutingRules } = command
      return ok({ _tag: "EmergencyCarrierConfigured", callingPlanNumbers, directRoutingRules, ...stamp })
    }
    case "ConfigureCallbackPool":
      return configurePool(state, command, now)
    case "SetEmergencyContacts": {
      if (!hasRep(state.routing, command.repId))
        return fail(new UnknownEntity({ entity: "rep", id: command.repId, field: "repId" }))
      const parsed = parseContacts(command.contacts)
      if (Result.isFailure(parsed)) return fail(parsed.failure)
      return ok({ _tag: "EmergencyContactsSet", repId: command.repId, contacts: parsed.success, ...stamp })
    }
    case "SetRepMailbox": {
      if (!hasRep(state.routing, command.repId))
        return fail(new UnknownEntity({ entity: "rep", id: command.repId, field: "repId" }))
      const enabled = !state.emergency.mailboxDisabled.has(command.repId)
      return enabled === command.enabled
        ? ok()
        : ok({ _tag: "RepMailboxSet", repId: command.repId, enabled: command.enabled, ...stamp })
    }
    case "SetNotificationTemplate": {
      const valid = validateTemplate(command)
      if (Result.isFailure(valid)) return fail(valid.failure)
      return ok({ _tag: "NotificationTemplateSet", ...valid.success, ...stamp })
    }
  }
}

const configureRegions = (
  command: EmergencyCommandOf<"ConfigureEmergencyRegions">,
  now: number,
): CenterDecision => {
  const codes = new Map<string, string>()
  const regions = []
  for (const [i, r] of command.regions.entries()) {
    const at = `regions[${i}]`
    const aliases = r.aliases ?? []
    for (const [field, code] of [["region", r.region], ...aliases.map((a, j) => [`aliases[${j}]`, a])]) {
      const taken = codes.get(code as string)
      if (taken !== undefined) return invalid(`${at}.${field}`, `'${code}' is already used by ${taken}`)
      codes.set(code as string, r.region)
    }
    if (!isTimeZone(r.timeZone)) return invalid(`${at}.timeZone`, `'${r.timeZone}' is not an IANA time zone`)
    if (!isLocale(r.locale)) return invalid(`${at}.locale`, `'${r.locale}' is not a BCP 47 locale`)
    const testNumbers = r.testNumbers ?? []
    const both = testNumbers.findIndex((n) => r.emergencyNumbers.includes(n))
    if (both >= 0) return invalid(`${at}.testNumbers[${both}]`, "is also an emergency number")
    regions.push({ ...r, aliases, testNumbers })
  }
  return ok({ _tag: "EmergencyRegionsConfigured", regions, ...stampOf(command, now) })
}

const configurePool = (
  state: CenterState,
  command: EmergencyCommandOf<"ConfigureCallbackPool">,
  now: number,
): CenterDecision => {
  const dup = firstRepeat(command.numbers)
  if (dup >= 0) return invalid(`numbers[${dup}]`, "is listed twice")
  if (command.overflowNumber !== null && command.numbers.includes(command.overflowNumber))
    return invalid("overflowNumber", "must not be one of the pool's numbers")
  for (const [i, repId] of command.fallbackRepIds.entries()) {
    if (!hasRep(state.routing, repId))
      return fail(new UnknownEntity({ entity: "rep", id: repId, field: `fallbackRepIds[${i}]` }))
  }
  const rep = firstRepeat(command.fallbackRepIds)
  if (rep >= 0) return invalid(`fallbackRepIds[${rep}]`, "is listed twice")
  const { numbers, overflowNumber, fallbackRepIds } = command
  return ok({
    _tag: "CallbackPoolConfigured",
    numbers,
    overflowNumber,
    fallbackRepIds,
    // A form that does not show the grace (W5) keeps the one in force.
    graceMinutes: command.graceMinutes ?? state.emergency.pool.graceMinutes,
    ...stampOf(command, now),
  })
}
