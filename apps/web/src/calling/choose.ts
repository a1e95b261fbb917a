import type { LifelineClient } from "@lifeline/client"
import { acsCalling } from "./acs"
import type { CallingClient } from "./port"
import { simulatedCalling } from "./simulated"

/**
 * Issue 19: the calling client a rep's page uses. A deployment on Azure builds the web app with
 * `VITE_LIFELINE_CALLING=acs`: real calls through ACS's Calling Web SDK, with the rep's ACS token
 * from its node (`POST /api/reps/{repId}/calling-token`). Without it (the demo, the browser
 * tests) the simulated client, which only tells the API. Chosen at build time, not from a token
 * request that failed: a deployment whose identity service is briefly down must not fall back
 * to a client that has no media.
 */
export const callingClientFor = (api: LifelineClient, repId: string): CallingClient =>
  import.meta.env.VITE_LIFELINE_CALLING === "acs"
    ? acsCalling({ api, repId, displayName: repId })
    : simulatedCalling(api, repId)
