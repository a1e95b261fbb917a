import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { eventsSeen, openEvents } from "../ops/kit"
import { type E2e, eventually, KEYS, startE2e } from "./harness"

/**
 * W5 (issue 19) over HTTP: a dropped emergency call is told to the rep on its stream and the
 * session waits for the PSAP's callback (DND, lease live); the PSAP's call end reaches the rep's
 * stream (`PsapCallbackEnded` carries the rep); when the lease ends with no call up, presence is
 * restored (E10) and the rep is told (`EmergencyEnded` `lease_ended`).
 */
let e2e: E2e
beforeAll(async () => {
  e2e = await startE2e()
})
afterAll(() => e2e.close())

const PSAP = "+12025550911"

describe("W5 an emergency session never stays open forever (issue 19)", () => {
  it("W5 a drop is told and waits for the PSAP; the PSAP's end reaches the rep; the lease's end restores presence", async () => {
    const ana = e2e.as(KEYS.ana)
    const stream = await openEvents(e2e.url, KEYS.ana)
    const started = await ana.dialEmergency("ana", { dialString: "911", location: { region: "US" } })
    if (started._tag !== "Started") throw new Error("the dial was refused")
    const callbackNumber = started.callbackNumber as string

    const reply = await ana.request("emergencyCallDropped", {
      params: { repId: "ana" },
      body: { sessionId: started.sessionId, reason: "networkDropped" },
    })
    expect(reply).toEqual({
      repId: "ana",
      sessionId: started.sessionId,
      dropped: true,
      waitingUntil: started.callbackUntil,
      sessionEnded: false,
    })
    const told = await eventually(() =>
      eventsSeen(stream.messages).find((e) => e._tag === "EmergencyCallDropped"),
    )
    expect(told).toMatchObject({ repId: "ana", reason: "networkDropped", callbackNumber })
    expect((await ana.rep("ana")).presenceId).toBe("busy_dnd")
    expect(await ana.emergencyPanel("ana")).toMatchObject({ sessionId: started.sessionId, callbackNumber })

    // A repeat changes nothing.
    expect(
      await ana.request("emergencyCallDropped", {
        params: { repId: "ana" },
        body: { sessionId: started.sessionId },
      }),
    ).toMatchObject({ dropped: false, sessionEnded: false })

    // E6: the PSAP calls back while the session waits; then hangs up. The rep hears both.
    await e2e.ring(PSAP, callbackNumber)
    const redirected = await eventually(() =>
      eventsSeen(stream.messages).find((e) => e._tag === "PsapCallbackRedirected"),
    )
    expect(await ana.emergencyPanel("ana")).toMatchObject({ psapCallback: true })
    // ACS tells Lifeline nothing more of a redirected call: the rep's calling client reports its end.
    const over = await ana.request("emergencyCallDropped", {
      params: { repId: "ana" },
      body: { sessionId: started.sessionId, psapCallId: redirected.callId as string },
    })
    expect(over).toMatchObject({ dropped: true, waitingUntil: started.callbackUntil, sessionEnded: false })
    expect(
      await eventually(() => eventsSeen(stream.messages).find((e) => e._tag === "PsapCallbackEnded")),
    ).toMatchObject({
      callId: redirected.callId,
      repId: "ana",
    })
    expect(await ana.emergencyPanel("ana")).toMatchObject({ psapCallback: false })
    expect((await ana.rep("ana")).presenceId).toBe("busy_dnd")

    // W5: the lease's end (60 minutes after the dial) ends the waiting session and restores presence.
    await e2e.advance(60 * 60_000)
    const ended = await eventually(() => eventsSeen(stream.messages).find((e) => e._tag === "EmergencyEnded"))
    expect(ended).toMatchObject({ repId: "ana", reason: "lease_ended", restoredPresence: "available" })
    expect((await ana.rep("ana")).presenceId).toBe("available")
    expect(await ana.emergencyPanel("ana")).toBeNull()
    await stream.close()
  })

  it("N4 only the rep itself reports its call dropped", async () => {
    const ben = e2e.as(KEYS.ben)
    const error = await ben
      .request("emergencyCallDropped", { params: { repId: "ana" }, body: { sessionId: "emergency-1" } })
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ status: 403 })
  })
})
