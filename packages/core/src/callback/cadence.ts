/**
 * C3: the direct-callback offer cadence. One place for the numbers: the first offer plays 30 s
 * after the overflow condition applies to the call, then every 120 s until the caller presses
 * the key, hangs up, or is connected to a rep.
 */
export const FIRST_OFFER_AFTER_MS = 30_000
export const OFFER_REPEAT_MS = 120_000

/** C3: the key is fixed; any other key is ignored. */
export const CALLBACK_KEY = "1"

/** How long the provider listens for the key after each offer prompt. */
export const OFFER_KEY_TIMEOUT_MS = 10_000

/**
 * C4: the caller's line is released when the confirmation has played; if the provider never says
 * it has, it is released this long after the confirmation started.
 */
export const FAREWELL_HANG_UP_AFTER_MS = 20_000

export const firstOfferAt = (appliesAt: number): number => appliesAt + FIRST_OFFER_AFTER_MS

/**
 * The offer after the one due at `dueAt` and played at `now`. The cadence keeps to its own beat;
 * after a long outage (a restart) it starts again from `now` rather than playing a burst.
 */
export const nextOfferAt = (dueAt: number, now: number): number => {
  const next = dueAt + OFFER_REPEAT_MS
  return next > now ? next : now + OFFER_REPEAT_MS
}
