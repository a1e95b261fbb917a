import type { Scenario } from "../scenario"

const HOUR = 3_600_000
const MINUTE = 60_000

/**
 * A test center, overloaded on purpose so every flow happens in a few hours: billing offers a
 * callback (C3) once the EWT passes 2 min; support sends calls that waited 5 min to billing (C1);
 * reps have staggered shifts and breaks (one presence custom); reps dial the emergency number
 * about four times an hour (E1). Kept here, not in examples/, so the tests do not move with them.
 */
export const busy = (): Scenario => ({
  name: "busy",
  simulation: { startMs: 7 * HOUR, endMs: 19 * HOUR, slThresholdMs: 20_000, seed: 1 },
  presences: [{ presenceId: "lunch", label: "Lunch", base: "away" }],
  queues: [
    {
      queueId: "billing",
      name: "Billing",
      assignment: "most_idle",
      meanInterArrivalMs: MINUTE,
      meanHandleMs: 4 * MINUTE,
      handleTime: { _tag: "Lognormal", mean: 4 * MINUTE, sd: 2 * MINUTE },
      meanPatienceMs: 3 * MINUTE,
      overflow: {
        settings: {
          rules: [
            { condition: { _tag: "EstimatedWaitAbove", ms: 120_000 }, action: { _tag: "DirectCallback" } },
          ],
          retry: { delayMs: 300_000, maxAttempts: 3 },
        },
        pressOneProbability: 0.4,
        callbackAnswerProbability: 0.7,
        callbackRingTime: { _tag: "Uniform", min: 5_000, max: 25_000 },
      },
    },
    {
      queueId: "support",
      name: "Support",
      assignment: "round_robin",
      meanInterArrivalMs: 2 * MINUTE,
      meanHandleMs: 6 * MINUTE,
      meanPatienceMs: 20 * MINUTE,
      overflow: {
        settings: {
          rules: [
            {
              condition: { _tag: "OwnWaitAbove", ms: 300_000 },
              action: { _tag: "TransferToQueue", queueId: "billing" },
            },
          ],
        },
        pressOneProbability: 0,
        callbackAnswerProbability: 1,
        callbackRingTime: { _tag: "Deterministic", value: 10_000 },
      },
    },
  ],
  reps: Array.from({ length: 5 }, (_, i) => ({
    repId: `rep-${i + 1}`,
    queues: i < 3 ? ["billing"] : ["support", "billing"],
    shift: { startMs: 7 * HOUR + i * 15 * MINUTE, endMs: 15 * HOUR + i * 30 * MINUTE },
    breaks: [
      {
        atMs: 8 * HOUR + i * 10 * MINUTE,
        durationMs: 15 * MINUTE,
        presenceId: i % 2 === 0 ? "away" : "lunch",
      },
    ],
  })),
  emergency: {
    callsPerDay: 100,
    duration: { _tag: "Uniform", min: MINUTE, max: 10 * MINUTE },
    dialString: "911",
    region: "US",
  },
})
