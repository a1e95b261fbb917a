import { createRoot, createSignal } from "solid-js"

/**
 * Issue 19: how a ringing offer gets the rep's attention: a ring played with Web Audio (on by
 * default, muted by the rep, the choice remembered) and a browser notification while the tab is
 * hidden (permission asked once, on the rep's first click or key press, as browsers require).
 */
const SOUND_KEY = "lifeline.sound"
const ASKED_KEY = "lifeline.notificationsAsked"
const RING_EVERY_MS = 2_500

const sound = createRoot(() => {
  const [on, setOn] = createSignal(globalThis.localStorage?.getItem(SOUND_KEY) !== "off")
  return { on, setOn }
})

export const soundOn = sound.on

export const setSoundOn = (on: boolean): void => {
  sound.setOn(on)
  globalThis.localStorage?.setItem(SOUND_KEY, on ? "on" : "off")
  if (!on) stopRinging()
}

let audio: AudioContext | undefined
let ringTimer: ReturnType<typeof setInterval> | undefined

/** Two short tones, as a phone rings; quiet enough not to startle in a headset. */
const ringOnce = () => {
  if (audio === undefined || !sound.on()) return
  const start = audio.currentTime
  for (const [offset, freq] of [
    [0, 880],
    [0.25, 660],
  ] as const) {
    const osc = audio.createOscillator()
    const gain = audio.createGain()
    osc.frequency.value = freq
    gain.gain.setValueAtTime(0.12, start + offset)
    gain.gain.exponentialRampToValueAtTime(0.001, start + offset + 0.22)
    osc.connect(gain).connect(audio.destination)
    osc.start(start + offset)
    osc.stop(start + offset + 0.22)
  }
}

export const startRinging = (): void => {
  if (ringTimer !== undefined || !sound.on()) return
  audio ??= typeof AudioContext === "function" ? new AudioContext() : undefined
  void audio?.resume().catch(() => undefined)
  ringOnce()
  ringTimer = setInterval(ringOnce, RING_EVERY_MS)
}

export const stopRinging = (): void => {
  clearInterval(ringTimer)
  ringTimer = undefined
}

/** On the rep's first gesture: unlock audio, and ask once whether the page may notify. */
export const armOnFirstGesture = (): (() => void) => {
  const arm = () => {
    audio ??= typeof AudioContext === "function" ? new AudioContext() : undefined
    void audio?.resume().catch(() => undefined)
    const N = globalThis.Notification
    if (
      N !== undefined &&
      N.permission === "default" &&
      globalThis.localStorage?.getItem(ASKED_KEY) === null
    ) {
      globalThis.localStorage?.setItem(ASKED_KEY, "yes")
      void N.requestPermission().catch(() => undefined)
    }
    remove()
  }
  const remove = () => {
    window.removeEventListener("pointerdown", arm)
    window.removeEventListener("keydown", arm)
  }
  window.addEventListener("pointerdown", arm)
  window.addEventListener("keydown", arm)
  return remove
}

/** A system notification for a new offer, only when the rep cannot see the page. */
export const notifyIfHidden = (title: string, body: string, tag: string): void => {
  const N = globalThis.Notification
  if (!document.hidden || N === undefined || N.permission !== "granted") return
  const n = new N(title, { body, tag, requireInteraction: true })
  n.onclick = () => {
    window.focus()
    n.close()
  }
}
