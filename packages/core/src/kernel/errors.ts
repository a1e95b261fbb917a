import { Schema } from "effect"

/**
 * The shared error vocabulary (ARCHITECTURE rule 4): the errors every module answers with, each
 * naming the field at fault (N3). The API maps each tag to one HTTP status. A module's own
 * domain-named errors (e.g. `EmergencyUnavailable`) live beside that module.
 */

/** A command names something that does not exist (404). */
export class UnknownEntity extends Schema.TaggedError<UnknownEntity>()("UnknownEntity", {
  entity: Schema.String,
  id: Schema.String,
  field: Schema.String,
}) {
  override get message(): string {
    return `unknown ${this.entity} '${this.id}'`
  }
}

/** A command would create something whose id is taken (409). */
export class AlreadyExists extends Schema.TaggedError<AlreadyExists>()("AlreadyExists", {
  entity: Schema.String,
  id: Schema.String,
  field: Schema.String,
}) {
  override get message(): string {
    return `${this.entity} '${this.id}' already exists`
  }
}

/** A field's value breaks a rule (400). */
export class InvalidField extends Schema.TaggedError<InvalidField>()("InvalidField", {
  field: Schema.String,
  message: Schema.String,
}) {}

/** The command does not fit the current state, e.g. accepting an offer that expired (409). */
export class InvalidState extends Schema.TaggedError<InvalidState>()("InvalidState", {
  field: Schema.String,
  message: Schema.String,
}) {}

/** Any of the shared errors: what a module answers with when it has no domain-named error of its own. */
export type SharedError = UnknownEntity | AlreadyExists | InvalidField | InvalidState | NotYours

/** N4: a rep acts only on itself (403). */
export class NotYours extends Schema.TaggedError<NotYours>()("NotYours", {
  field: Schema.String,
  message: Schema.String,
}) {}
