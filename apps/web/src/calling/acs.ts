import type { Call, CallAgent, DeviceManager, IncomingCall } from "@azure/communication-calling"
import type { LifelineClient } from "@lifeline/client"
import { type AudioDevice, type CallingClient, regionOf } from "./port"

export interface AcsCallingOptions {
  readonly api: LifelineClient
  readonly repId: string
  readonly displayName: string
}

/**
 * Issue 19: the rep's ACS user token comes from its own node (`POST
 * /api/reps/{repId}/calling-token`, the rep's stored ACS user, VoIP scope). The credential asks
 * again before the token expires (`refreshProactively`), so a rep's call agent outlives any
 * one token; a node without ACS settings answers 409 CallingNotConfigured (the demo keeps the
 * simulated client).
 */
export const nodeTokenCredential = async (api: LifelineClient, repId: string) => {
  const { AzureCommunicationTokenCredential } = await import("@azure/communication-common")
  return new AzureCommunicationTokenCredential({
    tokenRefresher: async () => (await api.request("callingToken", { params: { repId } })).token,
    refreshProactively: true,
  })
}

const device = (d: { readonly id: string; readonly name: string }): AudioDevice => ({
  id: d.id,
  name: d.name,
})

/**
 * The real calling client on ACS's Calling Web SDK, imported lazily so the demo bundle never
 * loads it. The call agent is created per emergency call with `emergencyCallOptions.countryCode`
 * (ACS needs it to reach the right PSAP); the API is told first, so a refused dial (E1/E2)
 * never rings.
 */
export const acsCalling = (options: AcsCallingOptions): CallingClient => {
  let agent: CallAgent | undefined
  let call: Call | undefined
  /** E6: the PSAP's callback, redirected by the API to this rep's endpoint, ringing here. */
  let incoming: IncomingCall | undefined
  let devicesPromise: Promise<DeviceManager> | undefined
  /** The session the API opened at the dial, and whether the rep is the one hanging up. */
  let session: string | undefined
  let hangingUp = false
  /**
   * W5: the provider ending the call (not the rep's End call) is told to the API, which tells
   * the rep and keeps the session open for the PSAP's callback while the lease is live. For the
   * PSAP's redirected call only this endpoint hears the end, so it reports that too.
   */
  const reportDrop = (watched: Call, sessionId: string | undefined, psapCallId?: string) =>
    watched.on("stateChanged", () => {
      if (watched.state !== "Disconnected" || hangingUp) return
      const code = watched.callEndReason?.code
      void options.api.request("emergencyCallDropped", {
        params: { repId: options.repId },
        body: {
          ...(sessionId === undefined ? {} : { sessionId }),
          ...(code === undefined ? {} : { reason: String(code) }),
          ...(psapCallId === undefined ? {} : { psapCallId }),
        },
      })
    })
  const sdk = () => import("@azure/communication-calling")
  const devices = () => {
    devicesPromise ??= sdk().then(async ({ CallClient }) => {
      const manager = await new CallClient().getDeviceManager()
      await manager.askDevicePermission({ audio: true, video: false })
      return manager
    })
    return devicesPromise
  }
  return {
    startEmergencyCall: async ({ dialString, emergencyCountryCode }) => {
      const started = await options.api.dialEmergency(options.repId, {
        dialString,
        location: { region: regionOf(emergencyCountryCode) },
      })
      const [{ CallClient }, credential] = await Promise.all([
        sdk(),
        nodeTokenCredential(options.api, options.repId),
      ])
      agent = await new CallClient().createCallAgent(credential, {
        displayName: options.displayName,
        emergencyCallOptions: { countryCode: emergencyCountryCode },
      })
      agent.on("incomingCall", (e) => {
        incoming = e.incomingCall
      })
      call = agent.startCall([{ phoneNumber: dialString }])
      reportDrop(call, started.sessionId)
      session = started.sessionId
      return { sessionId: started.sessionId }
    },
    hangUp: async (sessionId) => {
      hangingUp = true
      await call?.hangUp()
      await agent?.dispose()
      call = undefined
      agent = undefined
      hangingUp = false
      await options.api.endEmergency(options.repId, sessionId)
    },
    answerPsapCallback: async (callId) => {
      if (incoming === undefined) throw new Error("The PSAP's call is not ringing here (any more).")
      call = await incoming.accept()
      incoming = undefined
      reportDrop(call, session, callId)
    },
    deviceSettings: async () => {
      const manager = await devices()
      const [mics, speakers] = await Promise.all([manager.getMicrophones(), manager.getSpeakers()])
      return {
        microphones: mics.map(device),
        speakers: speakers.map(device),
        microphoneId: manager.selectedMicrophone?.id ?? null,
        speakerId: manager.selectedSpeaker?.id ?? null,
      }
    },
    selectMicrophone: async (id) => {
      const manager = await devices()
      const mic = (await manager.getMicrophones()).find((m) => m.id === id)
      if (mic !== undefined) await manager.selectMicrophone(mic)
    },
    selectSpeaker: async (id) => {
      const manager = await devices()
      const speaker = (await manager.getSpeakers()).find((s) => s.id === id)
      if (speaker !== undefined) await manager.selectSpeaker(speaker)
    },
  }
}
