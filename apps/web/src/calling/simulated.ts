import type { LifelineClient } from "@lifeline/client"
import { type CallingClient, type DeviceSettings, regionOf } from "./port"

const DEVICES: DeviceSettings = {
  microphones: [
    { id: "mic-headset", name: "Headset microphone" },
    { id: "mic-laptop", name: "Laptop microphone" },
  ],
  speakers: [
    { id: "spk-headset", name: "Headset" },
    { id: "spk-laptop", name: "Laptop speakers" },
  ],
  microphoneId: "mic-headset",
  speakerId: "spk-headset",
}

/**
 * The demo's calling client: no media, two pretend devices; the dial and the hang-up go to the
 * API as the real adapter's would (the API decides, leases, notifies and restores).
 */
export const simulatedCalling = (api: LifelineClient, repId: string): CallingClient => {
  let devices = DEVICES
  return {
    startEmergencyCall: async ({ dialString, emergencyCountryCode }) => {
      const started = await api.dialEmergency(repId, {
        dialString,
        location: { region: regionOf(emergencyCountryCode) },
      })
      return { sessionId: started.sessionId }
    },
    hangUp: async (sessionId) => {
      await api.endEmergency(repId, sessionId)
    },
    // The simulated provider has no media: the redirected call is "answered" here. (The API has
    // no rep route to answer it; the demo's provider connects it on its own.)
    answerPsapCallback: async () => undefined,
    deviceSettings: async () => devices,
    selectMicrophone: async (id) => {
      devices = { ...devices, microphoneId: id }
    },
    selectSpeaker: async (id) => {
      devices = { ...devices, speakerId: id }
    },
  }
}
