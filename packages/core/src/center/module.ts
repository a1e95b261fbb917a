import type { Result } from "effect"
import type { Ask, Emit as EmitOf, Module } from "../kernel/module"
import type { RoutingCommand } from "../routing/commands"
import type { RoutingError } from "../routing/errors"
import type { RoutingEvent } from "../routing/events"
import type { CenterCommand, ProviderCommand } from "./commands"
import type { CenterError } from "./errors"
import type { CenterEvent } from "./events"
import type { CenterState } from "./state"

/** A decision without a reply; most of the center's commands have none. */
export type CenterDecision = Result.Result<readonly CenterEvent[], CenterError>

/** Emit a follow-up event: the center applies it at once and appends it after the command's. */
export type Emit = EmitOf<CenterEvent>

/**
 * What the modules of the center may ask of each other (kernel/module.ts `Ask`): today, that
 * routing queue, close, hold, resume or move an item. The center answers with routing's own
 * decision, so the asker needs neither routing's state nor its decide.
 */
export interface CenterAsks {
  readonly routing: Ask<CenterState, RoutingCommand, RoutingEvent, RoutingError>
}

/** A module of the contact center: the kernel's contract over the center's state and stream. */
export type CenterModule = Module<
  CenterState,
  CenterCommand,
  CenterEvent,
  CenterError,
  ProviderCommand,
  CenterAsks
>
