import type { LifelineClient } from "@lifeline/api/client"
import type { OverflowSettings, QueueView } from "@lifeline/core"
import { createResource, createSignal, For, Index, Show } from "solid-js"
import { createStore } from "solid-js/store"
import { reasonOf } from "../app/session"
import { ACTIONS, CONDITIONS, draftOf, type RuleDraft, ruleOf } from "./overflow-rules"

const NEW_RULE: RuleDraft = {
  condition: "EstimatedWaitAbove",
  value: 120,
  action: "DirectCallback",
  queueId: "",
}

/** C1, C3, C4: a queue's overflow rules (tried in order) and the callback offer and confirmation. */
export function OverflowEditor(props: {
  readonly api: LifelineClient
  readonly queues: readonly QueueView[]
}) {
  const [queueId, setQueueId] = createSignal(props.queues[0]?.queueId ?? "")
  const [rules, setRules] = createStore<RuleDraft[]>([])
  const [offerText, setOfferText] = createSignal("")
  const [confirmationText, setConfirmationText] = createSignal("")
  const [status, setStatus] = createSignal("")
  const [loaded] = createResource(queueId, async (id) => {
    const s = await props.api.call<OverflowSettings | null>(
      "GET",
      `/api/queues/${encodeURIComponent(id)}/overflow`,
    )
    setRules((s?.rules ?? []).map(draftOf))
    setOfferText(s?.offerText ?? "")
    setConfirmationText(s?.confirmationText ?? "")
    return true
  })
  const save = async (e: SubmitEvent) => {
    e.preventDefault()
    const texts = {
      ...(offerText().trim() === "" ? {} : { offerText: offerText() }),
      ...(confirmationText().trim() === "" ? {} : { confirmationText: confirmationText() }),
    }
    try {
      await props.api.setQueueOverflow(queueId(), { rules: rules.map(ruleOf), ...texts })
      setStatus("Overflow settings saved.")
    } catch (error) {
      setStatus(`Not saved: ${reasonOf(error)}`)
    }
  }
  return (
    <section aria-labelledby="overflow-heading">
      <h2 id="overflow-heading">Queue overflow and callback texts</h2>
      <form onSubmit={(e) => void save(e)}>
        <label for="overflow-queue">Queue</label>
        <select id="overflow-queue" onChange={(e) => setQueueId(e.currentTarget.value)}>
          <For each={props.queues}>{(q) => <option value={q.queueId}>{q.name}</option>}</For>
        </select>
        <Show when={loaded.error}>
          <p class="problem">Could not load this queue's settings.</p>
        </Show>
        <Index each={rules} fallback={<p>No overflow rules: calls wait for a rep.</p>}>
          {(rule, i) => (
            <RuleRow rule={rule()} index={i} update={(patch) => setRules(i, (r) => ({ ...r, ...patch }))} />
          )}
        </Index>
        <button type="button" onClick={() => setRules(rules.length, { ...NEW_RULE })}>
          Add rule
        </button>
        <label for="offer-text">Callback offer text (empty: the default)</label>
        <textarea
          id="offer-text"
          rows={2}
          value={offerText()}
          onInput={(e) => setOfferText(e.currentTarget.value)}
        />
        <label for="confirmation-text">Callback confirmation text (empty: the default)</label>
        <textarea
          id="confirmation-text"
          rows={2}
          value={confirmationText()}
          onInput={(e) => setConfirmationText(e.currentTarget.value)}
        />
        <button type="submit">Save overflow settings</button>
        <p role="status">{status()}</p>
      </form>
    </section>
  )
}

function RuleRow(props: {
  readonly rule: RuleDraft
  readonly index: number
  readonly update: (patch: Partial<RuleDraft>) => void
}) {
  const n = () => props.index + 1
  const set = (patch: Partial<RuleDraft>) => props.update(patch)
  return (
    <fieldset>
      <legend>Rule {n()}</legend>
      <label for={`cond-${n()}`}>Condition</label>
      <select
        id={`cond-${n()}`}
        onChange={(e) => set({ condition: e.currentTarget.value as RuleDraft["condition"] })}
      >
        <For each={CONDITIONS}>
          {(c) => (
            <option value={c.tag} selected={c.tag === props.rule.condition}>
              {c.label}
            </option>
          )}
        </For>
      </select>
      <Show when={props.rule.condition !== "OutsideOperatingHours"}>
        <label for={`value-${n()}`}>Threshold</label>
        <input
          id={`value-${n()}`}
          type="number"
          value={props.rule.value}
          onInput={(e) => set({ value: Number(e.currentTarget.value) })}
        />
      </Show>
      <label for={`action-${n()}`}>Action</label>
      <select
        id={`action-${n()}`}
        onChange={(e) => set({ action: e.currentTarget.value as RuleDraft["action"] })}
      >
        <For each={ACTIONS}>
          {(a) => (
            <option value={a.tag} selected={a.tag === props.rule.action}>
              {a.label}
            </option>
          )}
        </For>
      </select>
      <Show when={props.rule.action === "TransferToQueue"}>
        <label for={`target-${n()}`}>Transfer to queue id</label>
        <input
          id={`target-${n()}`}
          value={props.rule.queueId}
          onInput={(e) => set({ queueId: e.currentTarget.value })}
        />
      </Show>
    </fieldset>
  )
}
