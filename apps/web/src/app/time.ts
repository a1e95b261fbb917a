import { createRoot, createSignal, onCleanup } from "solid-js"

/** m:ss (or h:mm:ss) of a duration; negative durations read as 0:00. */
export const formatDuration = (ms: number): string => {
  const total = Math.max(0, Math.round(ms / 1000))
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = String(total % 60).padStart(2, "0")
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`
}

/** This browser's clock, read again every second while some component shows a running time. */
const clock = createRoot(() => {
  const [now, setNow] = createSignal(Date.now())
  let users = 0
  let timer: ReturnType<typeof setInterval> | undefined
  const use = () => {
    users += 1
    timer ??= setInterval(() => setNow(Date.now()), 1000)
    onCleanup(() => {
      users -= 1
      if (users === 0) {
        clearInterval(timer)
        timer = undefined
      }
    })
    return now
  }
  return { use }
})

/** A ticking clock for the calling component (stops when no one shows a time). */
export const useNow = (): (() => number) => clock.use()

/** The time of day of a server time, for people. */
export const timeOfDay = (ms: number): string =>
  new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })
