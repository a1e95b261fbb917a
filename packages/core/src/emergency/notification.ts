import type { CenterEvent } from "../center/events"
import { issuedId } from "../ids"
import { contactAddress } from "./contacts"
import type { NotificationOutcome } from "./events"
import { type PlaceholderValues, renderTemplate } from "./notification-template"
import type { RegionPolicy } from "./regions"
import type { EmergencyState, Session } from "./state"

/** The outbox purpose of every emergency notification (B6 views select on it). */
export const NOTIFICATION_PURPOSE = "emergency-notification"

/** One email per contact: each has its own delivery status and retries (B6), and no contact sees
 * the others' addresses. The id is the provider's idempotency key. */
export const notificationMessageId = (sessionId: string, index: number): string =>
  issuedId("emergency", sessionId, "notify", index)

/** A time as people in that zone read it, with the zone named: "Jan 5, 2026, 9:00:00 AM EST". */
export const formatTime = (at: number, timeZone: string, locale: string): string =>
  new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "long", timeZone }).format(at)

/** E2/E9: whether this dial sends the notification, and why not when it does not. */
export const notificationOutcome = (
  state: EmergencyState,
  repId: string,
  session: Session | undefined,
  test: boolean,
): NotificationOutcome => {
  if (test) return "test_call"
  if (session?.notified === true) return "already_notified"
  if ((state.contacts.get(repId) ?? []).length === 0) return "no_contacts"
  if (state.mailboxDisabled.has(repId)) return "mailbox_disabled"
  return "queued"
}

/** E9: the notification for every contact, queued in the outbox with the dial's events. */
export const notificationEvents = (
  state: EmergencyState,
  repId: string,
  sessionId: string,
  values: PlaceholderValues,
  at: number,
): CenterEvent[] => {
  const mail = renderTemplate(state.template, values)
  // E9: the email goes to the address; a display name the admin typed is for the editor (issue 19).
  return (state.contacts.get(repId) ?? []).map((contact, i) => ({
    _tag: "OutboxQueued",
    messageId: notificationMessageId(sessionId, i + 1),
    message: {
      _tag: "Email",
      mail: { to: [contactAddress(contact)], subject: mail.subject, text: mail.text },
    },
    purpose: NOTIFICATION_PURPOSE,
    ref: sessionId,
    at,
  }))
}

export interface DialFacts {
  readonly repId: string
  readonly repName: string
  readonly number: string
  readonly policy: RegionPolicy
  readonly timeZone: string
  readonly callbackNumber: string
  readonly callbackUntil: number | null
  readonly at: number
}

/** The placeholder values of one dial, times in the rep's zone and the region's locale. */
export const notificationValues = (facts: DialFacts): PlaceholderValues => {
  const time = (at: number) => formatTime(at, facts.timeZone, facts.policy.locale)
  return {
    repName: facts.repName,
    repId: facts.repId,
    time: time(facts.at),
    region: facts.policy.name,
    dialledNumber: facts.number,
    callbackNumber: facts.callbackNumber,
    callbackUntil:
      facts.callbackUntil === null
        ? "(not reserved for the rep: every callback number was in use)"
        : time(facts.callbackUntil),
  }
}
