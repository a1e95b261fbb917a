/**
 * A queue as the rep reads it. The rep's key may not list queues (their names are for admins and
 * supervisors), so the id is shown as words: `billing` -> "Billing", `tier-2` -> "Tier 2".
 */
export const queueName = (queueId: string): string => {
  const words = queueId.replace(/[-_]+/g, " ").trim()
  return words.charAt(0).toUpperCase() + words.slice(1)
}
