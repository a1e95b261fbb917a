/**
 * A test center of two independent sub-centers, as a scenario file (JSON): billing and support
 * share a rep and billing offers callbacks (C3: provider events, core timers); sales sends calls
 * that waited 1 min to retention (C1 transfer), so those two are one sub-center though no rep
 * serves both. The queues interleave (billing, sales, support, retention), so the sub-centers'
 * order (by first queue) and the summary's (the file's) differ. Shifts and breaks on both sides;
 * no emergency calls (those would make the center one). Kept here so the tests do not move with
 * examples/.
 */
export const twoCentersFile = () => ({
  name: "two-centers",
  simulation: { start: "07:00", end: "13:00", slThresholdSeconds: 20, seed: 5 },
  presences: [{ id: "lunch", label: "Lunch", base: "away" }],
  queues: [
    {
      id: "billing",
      arrivals: { callsPerHour: 50 },
      handleTime: { type: "lognormal", mean: 240, sd: 120 },
      patience: { type: "exponential", mean: 180 },
      overflow: {
        rules: [{ condition: { _tag: "EstimatedWaitAbove", ms: 60000 }, action: { _tag: "DirectCallback" } }],
        retry: { delayMs: 120000, maxAttempts: 2 },
        pressOneProbability: 0.5,
        callbackAnswerProbability: 0.7,
        callbackRingTime: { type: "uniform", min: 5, max: 20 },
      },
    },
    {
      id: "sales",
      assignment: "round_robin",
      arrivals: { callsPerHour: 40 },
      handleTime: { type: "exponential", mean: 300 },
      patience: { type: "uniform", min: 60, max: 600 },
      overflow: {
        rules: [
          {
            condition: { _tag: "OwnWaitAbove", ms: 60000 },
            action: { _tag: "TransferToQueue", queueId: "retention" },
          },
        ],
        pressOneProbability: 0,
      },
    },
    {
      id: "support",
      arrivals: { callsPerHour: 20 },
      handleTime: { type: "erlang", k: 2, mean: 360 },
      patience: { type: "exponential", mean: 600 },
    },
    {
      id: "retention",
      arrivals: { callsPerHour: 6 },
      handleTime: { type: "exponential", mean: 240 },
    },
  ],
  reps: [
    { id: "ana", queues: ["billing", "support"], shift: { start: "07:00", end: "13:00" } },
    {
      count: 3,
      prefix: "bill-",
      queues: ["billing"],
      shift: { start: "07:00", end: "13:00" },
      breaks: [{ at: "09:00", minutes: 15 }],
    },
    { count: 2, prefix: "sup-", queues: ["support"] },
    {
      count: 3,
      prefix: "sales-",
      queues: ["sales"],
      shift: { start: "07:00", end: "13:00" },
      breaks: [{ at: "10:00", minutes: 30, presence: "lunch" }],
    },
    { count: 2, prefix: "ret-", queues: ["retention"] },
  ],
})
