import { Result } from "effect"
import { InvalidField } from "../kernel/errors"

/**
 * E9/E11: the editable "emergency call notification" template. Placeholders are written
 * `{{name}}` (spaces inside the braces allowed); the editor validates, previews and saves it.
 */
export interface NotificationTemplate {
  readonly subject: string
  readonly body: string
}

/** Every placeholder a template may use, with what it stands for (the editor lists these). */
export const PLACEHOLDERS = {
  repName: "the rep's name",
  repId: "the rep's id",
  time: "when the rep dialled, in the rep's time zone",
  region: "the region the call was placed from",
  dialledNumber: "the emergency number dialled",
  callbackNumber: "the number the emergency service can call back on",
  callbackUntil: "when that number stops reaching the rep (60 minutes after the dial)",
} as const
export type Placeholder = keyof typeof PLACEHOLDERS
export type PlaceholderValues = Readonly<Record<Placeholder, string>>

export const DEFAULT_TEMPLATE: NotificationTemplate = {
  subject: "Emergency call by {{repName}}",
  body: [
    "{{repName}} called {{dialledNumber}} at {{time}} ({{region}}).",
    "",
    "If the call drops, the emergency service can call back on {{callbackNumber}} until {{callbackUntil}}.",
    "",
    "You receive this because you are one of {{repName}}'s emergency contacts. Sent by Lifeline.",
  ].join("\n"),
}

export const SUBJECT_MAX = 200
export const BODY_MAX = 10_000

/** Sample values for the editor's preview. */
export const SAMPLE_VALUES: PlaceholderValues = {
  repName: "Alex Example",
  repId: "rep-0001",
  time: "Jan 5, 2026, 9:00:00 AM EST",
  region: "United States",
  dialledNumber: "911",
  callbackNumber: "+15550100123",
  callbackUntil: "Jan 5, 2026, 10:00:00 AM EST",
}

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g

const isPlaceholder = (name: string): name is Placeholder => Object.hasOwn(PLACEHOLDERS, name)

/** The first problem with one part of a template, or undefined. */
const problemIn = (text: string): string | undefined => {
  for (const match of text.matchAll(PLACEHOLDER)) {
    const name = match[1] ?? ""
    if (!isPlaceholder(name)) {
      return `unknown placeholder {{${name}}}; known: ${Object.keys(PLACEHOLDERS)
        .map((p) => `{{${p}}}`)
        .join(", ")}`
    }
  }
  const rest = text.replace(PLACEHOLDER, "")
  if (rest.includes("{{") || rest.includes("}}")) return "a placeholder is not closed: write {{name}}"
  return undefined
}

/** E11: a template the editor may save; errors name the field (N3). */
export const validateTemplate = (
  draft: NotificationTemplate,
): Result.Result<NotificationTemplate, InvalidField> => {
  const subject = draft.subject.trim()
  if (subject === "") return Result.fail(new InvalidField({ field: "subject", message: "must not be empty" }))
  if (/[\r\n]/.test(subject))
    return Result.fail(new InvalidField({ field: "subject", message: "must be one line" }))
  if (subject.length > SUBJECT_MAX)
    return Result.fail(new InvalidField({ field: "subject", message: `at most ${SUBJECT_MAX} characters` }))
  if (draft.body.trim() === "")
    return Result.fail(new InvalidField({ field: "body", message: "must not be empty" }))
  if (draft.body.length > BODY_MAX)
    return Result.fail(new InvalidField({ field: "body", message: `at most ${BODY_MAX} characters` }))
  for (const [field, text] of [
    ["subject", subject],
    ["body", draft.body],
  ] as const) {
    const problem = problemIn(text)
    if (problem !== undefined) return Result.fail(new InvalidField({ field, message: problem }))
  }
  return Result.succeed({ subject, body: draft.body })
}

/** Fill a valid template's placeholders (plain text: values are inserted as they are). */
export const renderTemplate = (
  template: NotificationTemplate,
  values: PlaceholderValues,
): { readonly subject: string; readonly text: string } => {
  const fill = (text: string) =>
    text.replace(PLACEHOLDER, (whole, name: string) => (isPlaceholder(name) ? values[name] : whole))
  return { subject: fill(template.subject), text: fill(template.body) }
}

/** E11: the editor's preview of a draft, with sample values unless given others. */
export const previewTemplate = (
  draft: NotificationTemplate,
  values: Partial<PlaceholderValues> = {},
): Result.Result<{ readonly subject: string; readonly text: string }, InvalidField> =>
  Result.map(validateTemplate(draft), (valid) => renderTemplate(valid, { ...SAMPLE_VALUES, ...values }))
