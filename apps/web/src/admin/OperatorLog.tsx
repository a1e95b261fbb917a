import type { LifelineClient } from "@lifeline/client"
import { createResource, For, Show } from "solid-js"
import { TableFrame } from "../app/TableFrame"

/** One record of GET /api/emergency/log (E1 refusals, E3 carrier paths, B5 pool and PSAP). */
interface OperatorRecord {
  readonly _tag: string
  readonly at: number
  readonly [field: string]: unknown
}

const WHAT: Readonly<Record<string, string>> = {
  EmergencyDialRefused: "Emergency call refused (E1/E2)",
  CarrierPathDecided: "Emergency call placed: carrier path (E3)",
  CallbackPoolExhausted: "Callback number pool exhausted (B5)",
  PsapCallbackUnanswered: "PSAP callback unanswered (B5)",
}

/** The record's details in words: the fields an operator acts on, never a whole object. */
const details = (r: OperatorRecord): string => {
  switch (r._tag) {
    case "EmergencyDialRefused":
      return `${String(r.message ?? "")} (rep ${String(r.repId ?? "?")}, dialled ${String(r.dialString ?? "")})`
    case "CarrierPathDecided": {
      const path = r.carrierPath as { _tag?: string } | undefined
      return `${String(r.number ?? "")} from ${String(r.region ?? "")} via ${path?._tag ?? "?"}${r.test === true ? " (test call)" : ""}`
    }
    case "CallbackPoolExhausted":
      return `pool of ${String(r.poolSize ?? "?")} in use; ${String(r.fallbackNumber ?? "")} given instead`
    default:
      return ""
  }
}

/** E1, E3, B5: what operators must know about emergency calls, newest first. */
export function OperatorLog(props: { readonly api: LifelineClient }) {
  const [log, { refetch }] = createResource(async () => {
    const entries = await props.api.call<readonly unknown[]>("GET", "/api/emergency/log")
    return entries
      .map((e) =>
        typeof e === "object" && e !== null && "record" in e
          ? (e as { record: OperatorRecord }).record
          : (e as OperatorRecord),
      )
      .reverse()
  })
  return (
    <section aria-labelledby="oplog-heading">
      <h2 id="oplog-heading">Emergency operator log</h2>
      <button type="button" onClick={() => void refetch()}>
        Reload log
      </button>
      <Show when={log.error}>
        <p class="problem">Could not load the operator log.</p>
      </Show>
      <TableFrame label="Operator log table">
        <table class="stack-on-phone">
          <caption>Refused emergency calls, carrier decisions, pool and PSAP callback problems</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">What</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            <For
              each={log() ?? []}
              fallback={
                <tr>
                  <td colSpan={3}>Nothing logged yet.</td>
                </tr>
              }
            >
              {(r) => (
                <tr>
                  <td data-label="When">{new Date(r.at).toLocaleString()}</td>
                  <td data-label="What">{WHAT[r._tag] ?? r._tag}</td>
                  <td data-label="Details">{details(r)}</td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </TableFrame>
    </section>
  )
}
