/** An audio device the rep can pick in the panel's device settings (E7). */
export interface AudioDevice {
  readonly id: string
  readonly name: string
}

export interface DeviceSettings {
  readonly microphones: readonly AudioDevice[]
  readonly speakers: readonly AudioDevice[]
  readonly microphoneId: string | null
  readonly speakerId: string | null
}

export interface EmergencyDial {
  readonly dialString: string
  /** ISO 3166 alpha-2 of where the rep is; ACS's `emergencyCallOptions.countryCode`; "" unknown. */
  readonly emergencyCountryCode: string
}

/** What the browser learns when the emergency call starts: the session the API opened. */
export interface StartedCall {
  readonly sessionId: string
}

/**
 * The browser side of calling (E1–E7, E10). The real adapter is ACS's Calling Web SDK; the demo
 * and the browser tests use a simulated client that only tells the API.
 */
export interface CallingClient {
  readonly startEmergencyCall: (dial: EmergencyDial) => Promise<StartedCall>
  readonly hangUp: (sessionId: string | undefined) => Promise<void>
  /**
   * E6: pick up the PSAP's callback that the API redirected to this rep (`callId` is the
   * provider's call, from `PsapCallbackRedirected`). The redirect rings the rep's own endpoint,
   * so answering is the calling client's, not the API's.
   */
  readonly answerPsapCallback: (callId: string) => Promise<void>
  readonly deviceSettings: () => Promise<DeviceSettings>
  readonly selectMicrophone: (id: string) => Promise<void>
  readonly selectSpeaker: (id: string) => Promise<void>
}

/** The location the API is told: null when the rep said "Somewhere else" (E1: location unknown). */
export const regionOf = (code: string): string | null => (code.trim() === "" ? null : code)
