import type { BasePresence } from "@lifeline/core"

/** R5 EWT for people: whole seconds as m:ss, or why there is no estimate. */
export const formatEwt = (ewtMs: number | null): string => {
  if (ewtMs === null) return "no staffed reps"
  const seconds = Math.round(ewtMs / 1000)
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`
}

/** Column order and headings for the presence counts. */
export const PRESENCE_COLUMNS: readonly { readonly base: BasePresence; readonly label: string }[] = [
  { base: "available", label: "Available" },
  { base: "busy", label: "Busy" },
  { base: "busy_dnd", label: "Do not disturb" },
  { base: "away", label: "Away" },
  { base: "offline", label: "Offline" },
]
