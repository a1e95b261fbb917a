/** Issue 19: presences as people say them, each with its colour token (styles.css `--presence-*`). */
export const PRESENCE_WORDS: Readonly<Record<string, string>> = {
  available: "Available",
  busy: "Busy",
  busy_dnd: "Do not disturb",
  away: "Away",
  offline: "Offline",
}

/** "Do not disturb" for a base presence; an unknown one is shown as it is. */
export const presenceWords = (base: string): string => PRESENCE_WORDS[base] ?? base.replace(/_/g, " ")

/** A custom presence names its base when the label does not say it: "Lunch (Away)". */
export const presenceLabel = (label: string, base: string): string =>
  label.toLowerCase() === presenceWords(base).toLowerCase() || label.toLowerCase() === base.replace(/_/g, " ")
    ? presenceWords(base)
    : `${label} (${presenceWords(base)})`
