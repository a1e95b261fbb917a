import { randomUUID } from "node:crypto"
import {
  type AcsError,
  absoluteUrlAt,
  acsError,
  type IdentifierModel,
  identifierAt,
  isAcsError,
  phoneModel,
} from "./acs-wire"
import { isObject } from "./http"

/** A call leg the stand-in holds, as CallConnectionProperties plus what its events need. */
export interface StandinCall {
  readonly callConnectionId: string
  readonly serverCallId: string
  readonly correlationId: string
  readonly callbackUri: string
  readonly direction: "inbound" | "outbound"
  readonly operationContext: string | undefined
  readonly sourceCallerIdNumber: IdentifierModel | undefined
  state: "connecting" | "connected" | "disconnected"
  /** The customer's leg(s); reps join on AddParticipantSucceeded. */
  participants: IdentifierModel[]
  pendingPlay:
    | { readonly operationContext: string | undefined; readonly texts: readonly string[] }
    | undefined
  pendingRecognize:
    | { readonly operationContext: string | undefined; readonly target: IdentifierModel }
    | undefined
  pendingAdds: {
    readonly invitationId: string
    readonly operationContext: string | undefined
    readonly participant: IdentifierModel
  }[]
  /** W1: raw ids of the participants on hold and muted (CallParticipant isOnHold, isMuted). */
  readonly held: Set<string>
  readonly muted: Set<string>
  /** W1: removals and transfers ACS answered 202 for; their events wait for the test. */
  pendingRemoves: { readonly operationContext: string | undefined; readonly participant: IdentifierModel }[]
  pendingTransfer:
    | {
        readonly operationContext: string | undefined
        readonly target: IdentifierModel
        readonly transferee: IdentifierModel | undefined
      }
    | undefined
}

/** An inbound call ringing on Event Grid, addressed by its incoming-call context. */
export interface RingingCall {
  readonly incomingCallContext: string
  readonly serverCallId: string
  readonly correlationId: string
  readonly from: IdentifierModel
  readonly to: IdentifierModel
  state: "ringing" | "answered" | "redirected" | "rejected"
  redirectedTo?: IdentifierModel
}

export interface Performed {
  readonly operation: string
  readonly callConnectionId?: string
  readonly body: Readonly<Record<string, unknown>>
}

export interface AcsState {
  readonly calls: Map<string, StandinCall>
  readonly ringing: Map<string, RingingCall>
  readonly performed: Performed[]
}

export type Reply = { readonly status: number; readonly body?: unknown } | AcsError
type Body = Readonly<Record<string, unknown>>

const bad = (message: string) => acsError(400, "BadRequest", message)
const optionalString = (value: unknown) => (typeof value === "string" ? value : undefined)

export const propertiesOf = (call: StandinCall) => ({
  callConnectionId: call.callConnectionId,
  serverCallId: call.serverCallId,
  correlationId: call.correlationId,
  callbackUri: call.callbackUri,
  callConnectionState: call.state,
  targets: call.participants,
  ...(call.sourceCallerIdNumber === undefined
    ? {}
    : { sourceCallerIdNumber: call.sourceCallerIdNumber.phoneNumber }),
})

const newCall = (
  state: AcsState,
  fields: Pick<
    StandinCall,
    "callbackUri" | "direction" | "operationContext" | "sourceCallerIdNumber" | "participants"
  > & { serverCallId?: string; correlationId?: string },
): StandinCall => {
  const call: StandinCall = {
    callConnectionId: randomUUID(),
    serverCallId: fields.serverCallId ?? `srv-${randomUUID()}`,
    correlationId: fields.correlationId ?? randomUUID(),
    state: "connecting",
    pendingPlay: undefined,
    pendingRecognize: undefined,
    pendingAdds: [],
    held: new Set(),
    muted: new Set(),
    pendingRemoves: [],
    pendingTransfer: undefined,
    ...fields,
  }
  state.calls.set(call.callConnectionId, call)
  return call
}

const callerIdAt = (value: unknown, field: string): IdentifierModel | AcsError =>
  isObject(value)
    ? identifierAt({ phoneNumber: value }, field)
    : bad(`${field} is required when calling a phone number.`)

export const createCall = (state: AcsState, body: Body): Reply => {
  if (!Array.isArray(body.targets) || body.targets.length === 0)
    return bad("targets: at least one target is required.")
  const targets: IdentifierModel[] = []
  for (const [i, target] of body.targets.entries()) {
    const model = identifierAt(target, `targets[${i}]`)
    if (isAcsError(model)) return model
    targets.push(model)
  }
  const callbackUri = absoluteUrlAt(body.callbackUri, "callbackUri")
  if (isAcsError(callbackUri)) return callbackUri
  let callerId: IdentifierModel | undefined
  if (targets.some((t) => t.kind === "phoneNumber") || body.sourceCallerIdNumber !== undefined) {
    const parsed = callerIdAt(body.sourceCallerIdNumber, "sourceCallerIdNumber")
    if (isAcsError(parsed)) return parsed
    callerId = parsed
  }
  const call = newCall(state, {
    callbackUri,
    direction: "outbound",
    operationContext: optionalString(body.operationContext),
    sourceCallerIdNumber: callerId,
    participants: targets,
  })
  state.performed.push({ operation: "CreateCall", callConnectionId: call.callConnectionId, body })
  return { status: 201, body: propertiesOf(call) }
}

const ringingAt = (state: AcsState, body: Body): RingingCall | AcsError => {
  if (typeof body.incomingCallContext !== "string") return bad("incomingCallContext is required.")
  const ringing = state.ringing.get(body.incomingCallContext)
  if (ringing === undefined) return bad("incomingCallContext is not valid.")
  return ringing.state === "ringing" ? ringing : bad(`The incoming call was already ${ringing.state}.`)
}

export const answerCall = (state: AcsState, body: Body): Reply => {
  const ringing = ringingAt(state, body)
  if (isAcsError(ringing)) return ringing
  const callbackUri = absoluteUrlAt(body.callbackUri, "callbackUri")
  if (isAcsError(callbackUri)) return callbackUri
  ringing.state = "answered"
  const call = newCall(state, {
    callbackUri,
    direction: "inbound",
    operationContext: optionalString(body.operationContext),
    sourceCallerIdNumber: undefined,
    participants: [ringing.from],
    serverCallId: ringing.serverCallId,
    correlationId: ringing.correlationId,
  })
  state.performed.push({ operation: "AnswerCall", callConnectionId: call.callConnectionId, body })
  return { status: 200, body: propertiesOf(call) }
}

export const redirectCall = (state: AcsState, body: Body): Reply => {
  const ringing = ringingAt(state, body)
  if (isAcsError(ringing)) return ringing
  const target = identifierAt(body.target, "target")
  if (isAcsError(target)) return target
  ringing.state = "redirected"
  ringing.redirectedTo = target
  state.performed.push({ operation: "RedirectCall", body })
  return { status: 204 }
}

export const rejectCall = (state: AcsState, body: Body): Reply => {
  const ringing = ringingAt(state, body)
  if (isAcsError(ringing)) return ringing
  const reason = body.callRejectReason
  if (reason !== undefined && !["none", "busy", "forbidden"].includes(String(reason))) {
    return bad("callRejectReason must be none, busy or forbidden.")
  }
  ringing.state = "rejected"
  state.performed.push({ operation: "RejectCall", body })
  return { status: 204 }
}

export const liveCall = (state: AcsState, id: string, needConnected: boolean): StandinCall | AcsError => {
  const call = state.calls.get(id)
  if (call === undefined || call.state === "disconnected") {
    return acsError(404, "NotFound", `Call connection ${id} not found.`)
  }
  return needConnected && call.state !== "connected"
    ? bad("Action is not valid when the call is not established.")
    : call
}

export const endCall = (state: AcsState, id: string, operation: "HangupCall" | "TerminateCall"): Reply => {
  const call = liveCall(state, id, false)
  if (isAcsError(call)) return call
  call.state = "disconnected"
  state.performed.push({ operation, callConnectionId: id, body: {} })
  return { status: 204 }
}

/** A PlaySource: kind file/text/ssml with its matching part. Returns the text it would speak. */
const playSourceAt = (value: unknown, field: string): string | AcsError => {
  if (!isObject(value)) return bad(`${field}: expected a play source.`)
  const part = value[String(value.kind)]
  if (value.kind === "text" && isObject(part) && typeof part.text === "string" && part.text.trim() !== "") {
    return part.text
  }
  if (value.kind === "file" && isObject(part) && typeof part.uri === "string") return part.uri
  if (value.kind === "ssml" && isObject(part) && typeof part.ssmlText === "string") return part.ssmlText
  return bad(`${field}: kind must be file, text or ssml with a non-empty ${String(value.kind)} part.`)
}

export const play = (state: AcsState, id: string, body: Body): Reply => {
  const call = liveCall(state, id, true)
  if (isAcsError(call)) return call
  if (!Array.isArray(body.playSources) || body.playSources.length === 0)
    return bad("playSources is required.")
  const texts: string[] = []
  for (const [i, source] of body.playSources.entries()) {
    const text = playSourceAt(source, `playSources[${i}]`)
    if (isAcsError(text)) return text
    texts.push(text)
  }
  call.pendingPlay = { operationContext: optionalString(body.operationContext), texts }
  state.performed.push({ operation: "Play", callConnectionId: id, body })
  return { status: 202 }
}

const intIn = (value: unknown, min: number, max: number) =>
  value === undefined || (Number.isInteger(value) && (value as number) >= min && (value as number) <= max)

export const recognize = (state: AcsState, id: string, body: Body): Reply => {
  const call = liveCall(state, id, true)
  if (isAcsError(call)) return call
  if (!["dtmf", "speech", "choices", "speechOrDtmf"].includes(String(body.recognizeInputType))) {
    return bad("recognizeInputType must be dtmf, speech, choices or speechOrDtmf.")
  }
  const options = body.recognizeOptions
  if (!isObject(options)) return bad("recognizeOptions is required.")
  const target = identifierAt(options.targetParticipant, "recognizeOptions.targetParticipant")
  if (isAcsError(target)) return target
  if (!call.participants.some((p) => p.rawId === target.rawId)) {
    return bad(`recognizeOptions.targetParticipant ${target.rawId} is not in the call.`)
  }
  if (!intIn(options.initialSilenceTimeoutInSeconds, 0, 300)) {
    return bad("recognizeOptions.initialSilenceTimeoutInSeconds must be 0-300.")
  }
  const dtmf = options.dtmfOptions
  if (isObject(dtmf) && !intIn(dtmf.maxTonesToCollect, 1, 1_000)) {
    return bad("recognizeOptions.dtmfOptions.maxTonesToCollect must be at least 1.")
  }
  if (body.playPrompt !== undefined) {
    const prompt = playSourceAt(body.playPrompt, "playPrompt")
    if (isAcsError(prompt)) return prompt
  }
  call.pendingRecognize = { operationContext: optionalString(body.operationContext), target }
  state.performed.push({ operation: "Recognize", callConnectionId: id, body })
  return { status: 202 }
}

export const addParticipant = (state: AcsState, id: string, body: Body): Reply => {
  const call = liveCall(state, id, true)
  if (isAcsError(call)) return call
  const participant = identifierAt(body.participantToAdd, "participantToAdd")
  if (isAcsError(participant)) return participant
  if (participant.kind === "phoneNumber") {
    const callerId = callerIdAt(body.sourceCallerIdNumber, "sourceCallerIdNumber")
    if (isAcsError(callerId)) return callerId
  }
  if (!intIn(body.invitationTimeoutInSeconds, 0, 180)) return bad("invitationTimeoutInSeconds must be 0-180.")
  const invitationId = randomUUID()
  const operationContext = optionalString(body.operationContext)
  call.pendingAdds.push({ invitationId, operationContext, participant })
  state.performed.push({ operation: "AddParticipant", callConnectionId: id, body })
  const added = { identifier: participant, isMuted: false, isOnHold: false }
  return {
    status: 202,
    body: {
      participant: added,
      invitationId,
      ...(operationContext === undefined ? {} : { operationContext }),
    },
  }
}

/** CallParticipant, as GET participants and ParticipantsUpdated give it. */
export const participantModels = (call: StandinCall) =>
  call.participants.map((p) => ({
    identifier: p,
    isMuted: call.muted.has(p.rawId),
    isOnHold: call.held.has(p.rawId),
  }))

export const participantsOf = (state: AcsState, id: string): Reply => {
  const call = liveCall(state, id, false)
  if (isAcsError(call)) return call
  return { status: 200, body: { value: participantModels(call) } }
}

/** A participant of the call named at `field`, or 400 as ACS answers for one not in it. */
const inCall = (call: StandinCall, value: unknown, field: string): IdentifierModel | AcsError => {
  const participant = identifierAt(value, field)
  if (isAcsError(participant)) return participant
  return call.participants.some((p) => p.rawId === participant.rawId)
    ? participant
    : bad(`${field} ${participant.rawId} is not in the call.`)
}

/** W1: `:hold` / `:unhold` (HoldRequest, UnholdRequest): 200, no body. */
export const hold = (state: AcsState, id: string, body: Body, onHold: boolean): Reply => {
  const call = liveCall(state, id, true)
  if (isAcsError(call)) return call
  const target = inCall(call, body.targetParticipant, "targetParticipant")
  if (isAcsError(target)) return target
  if (onHold && body.playSourceInfo !== undefined) {
    const source = playSourceAt(body.playSourceInfo, "playSourceInfo")
    if (isAcsError(source)) return source
  }
  if (onHold) call.held.add(target.rawId)
  else call.held.delete(target.rawId)
  state.performed.push({ operation: onHold ? "Hold" : "Unhold", callConnectionId: id, body })
  return { status: 200 }
}

/** W1: `participants:mute` (MuteParticipantsRequest): exactly one ACS user, 200 MuteParticipantsResult. */
export const mute = (state: AcsState, id: string, body: Body): Reply => {
  const call = liveCall(state, id, true)
  if (isAcsError(call)) return call
  if (!Array.isArray(body.targetParticipants) || body.targetParticipants.length !== 1)
    return bad("targetParticipants: exactly one participant can be muted at a time.")
  const target = inCall(call, body.targetParticipants[0], "targetParticipants[0]")
  if (isAcsError(target)) return target
  if (target.kind !== "communicationUser") return bad("targetParticipants: only ACS users can be muted.")
  call.muted.add(target.rawId)
  state.performed.push({ operation: "Mute", callConnectionId: id, body })
  const operationContext = optionalString(body.operationContext)
  return { status: 200, body: operationContext === undefined ? {} : { operationContext } }
}

/** W1: `participants:remove` (RemoveParticipantRequest): 202; RemoveParticipantSucceeded follows. */
export const removeParticipant = (state: AcsState, id: string, body: Body): Reply => {
  const call = liveCall(state, id, true)
  if (isAcsError(call)) return call
  const participant = inCall(call, body.participantToRemove, "participantToRemove")
  if (isAcsError(participant)) return participant
  const operationContext = optionalString(body.operationContext)
  call.pendingRemoves.push({ operationContext, participant })
  state.performed.push({ operation: "RemoveParticipant", callConnectionId: id, body })
  return { status: 202, body: operationContext === undefined ? {} : { operationContext } }
}

/** W1: `:transferToParticipant` (TransferToParticipantRequest): 202; CallTransferAccepted follows. */
export const transferToParticipant = (state: AcsState, id: string, body: Body): Reply => {
  const call = liveCall(state, id, true)
  if (isAcsError(call)) return call
  const target = identifierAt(body.targetParticipant, "targetParticipant")
  if (isAcsError(target)) return target
  const transferee = body.transferee === undefined ? undefined : inCall(call, body.transferee, "transferee")
  if (transferee !== undefined && isAcsError(transferee)) return transferee
  const operationContext = optionalString(body.operationContext)
  call.pendingTransfer = { operationContext, target, transferee }
  state.performed.push({ operation: "TransferToParticipant", callConnectionId: id, body })
  return { status: 202, body: operationContext === undefined ? {} : { operationContext } }
}

export { phoneModel }
