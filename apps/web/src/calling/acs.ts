import type { Call, CallAgent, DeviceManager, IncomingCall } from "@azure/communication-calling"
import type { LifelineClient } from "@lifeline/client"
import { type AudioDevice, type CallingClient, regionOf } from "./port"

export interface AcsCallingOptions {
  readonly api: LifelineClient
  readonly repId: string
  /** A Communication Services user access token for this rep (issued by the deployment). */
  readonly token: () => Promise<string>
  readonly displayName: string
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
      const [{ CallClient }, { AzureCommunicationTokenCredential }] = await Promise.all([
        sdk(),
        import("@azure/communication-common"),
      ])
      const credential = new AzureCommunicationTokenCredential(await options.token())
      agent = await new CallClient().createCallAgent(credential, {
        displayName: options.displayName,
        emergencyCallOptions: { countryCode: emergencyCountryCode },
      })
      agent.on("incomingCall", (e) => {
        incoming = e.incomingCall
      })
      call = agent.startCall([{ phoneNumber: dialString }])
      return { sessionId: started.sessionId }
    },
    hangUp: async (sessionId) => {
      await call?.hangUp()
      await agent?.dispose()
      call = undefined
      agent = undefined
      await options.api.endEmergency(options.repId, sessionId)
    },
    answerPsapCallback: async () => {
      if (incoming === undefined) throw new Error("The PSAP's call is not ringing here (any more).")
      call = await incoming.accept()
      incoming = undefined
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
