import { Context, Layer } from "effect"
import { type Engine, makeEngine } from "../engine"
import type { CenterCommand } from "./commands"
import type { CenterError } from "./errors"
import type { CenterEvent } from "./events"
import { type CenterReply, centerTimers, executeCenterReplied, replayCenter } from "./execute"
import { type CenterState, emptyCenterState } from "./state"

export const CENTER_STREAM = "center"

export type CenterEngine = Engine<CenterState, CenterCommand, CenterEvent, CenterError, CenterReply>

/** The contact center as a service: every module behind the Store and Clock ports. */
export class Center extends Context.Service<Center, CenterEngine>()("lifeline/Center") {}

export const CenterLive = Layer.effect(
  Center,
  makeEngine({
    stream: CENTER_STREAM,
    empty: emptyCenterState,
    replay: replayCenter,
    execute: executeCenterReplied,
    timersOf: centerTimers,
  }),
)
