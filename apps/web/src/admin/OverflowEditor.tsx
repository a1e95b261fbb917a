import { LifelineApiError, type LifelineClient } from "@lifeline/client"
import type { OverflowSettings } from "@lifeline/core/callback"
import { DEFAULT_TEXTS } from "@lifeline/core/callback"
import type { QueueView } from "@lifeline/core/routing"
import { createResource, createSignal, For, Index, Show } from "solid-js"
import { createStore, produce } from "solid-js/store"
import { Icon } from "../app/icons"
import { reasonOf } from "../app/session"
import {
  ACTIONS,
  CONDITIONS,
  draftOf,
  fieldOfRule,
  type RuleDraft,
  type RuleField,
  ruleOf,
} from "./overflow-rules"

const NEW_RULE: RuleDraft = {
  condition: "EstimatedWaitAbove",
  value: 120,
  action: "DirectCallback",
  queueId: "",
}

/** Where the API's refusal points: a rule's field, or one of the texts. */
interface Invalid {
  readonly rule: number | null
  readonly field: RuleField | "offerText" | "confirmationText" | null
  readonly message: string
}

/** `rules[0].condition.count` -> rule 0's value; `offerText` -> the offer text. */
const invalidOf = (error: unknown): Invalid => {
  const message = reasonOf(error)
  if (!(error instanceof LifelineApiError) || error.field === undefined)
    return { rule: null, field: null, message }
  const rule = /^rules\[(\d+)\]\.?(.*)$/.exec(error.field)
  if (rule !== null) return { rule: Number(rule[1]), field: fieldOfRule(rule[2] ?? ""), message }
  const text = error.field === "offerText" || error.field === "confirmationText" ? error.field : null
  return { rule: null, field: text, message }
}

/** The text to send: nothing when it is the default (the queue then follows the default). */
const edited = (text: string, fallback: string) =>
  text.trim() === "" || text.trim() === fallback ? undefined : text

/**
 * C1, C3, C4: a queue's overflow rules (tried in order: moved up and down, removed) and the
 * callback offer and confirmation, shown with the default texts when the queue has none. A field
 * the API refuses is marked invalid and its message is said in words next to it.
 */
export function OverflowEditor(props: {
  readonly api: LifelineClient
  readonly queues: readonly QueueView[]
}) {
  const [queueId, setQueueId] = createSignal(props.queues[0]?.queueId ?? "")
  const [rules, setRules] = createStore<RuleDraft[]>([])
  const [offerText, setOfferText] = createSignal("")
  const [confirmationText, setConfirmationText] = createSignal("")
  const [status, setStatus] = createSignal("")
  const [invalid, setInvalid] = createSignal<Invalid>()
  const [loaded] = createResource(queueId, async (id) => {
    const s = await props.api.call<OverflowSettings | null>(
      "GET",
      `/api/queues/${encodeURIComponent(id)}/overflow`,
    )
    setRules((s?.rules ?? []).map(draftOf))
    setOfferText(s?.offerText ?? DEFAULT_TEXTS.offer)
    setConfirmationText(s?.confirmationText ?? DEFAULT_TEXTS.confirmation)
    setInvalid(undefined)
    return true
  })
  const move = (from: number, to: number) => {
    if (to < 0 || to >= rules.length) return
    setRules(
      produce((list) => {
        const [rule] = list.splice(from, 1)
        if (rule !== undefined) list.splice(to, 0, rule)
      }),
    )
    setInvalid(undefined)
    setStatus(`Rule moved to position ${to + 1}; save to apply.`)
  }
  const remove = (i: number) => {
    setRules(produce((list) => void list.splice(i, 1)))
    setInvalid(undefined)
    setStatus(`Rule ${i + 1} removed; save to apply.`)
  }
  const save = async (e: SubmitEvent) => {
    e.preventDefault()
    const offer = edited(offerText(), DEFAULT_TEXTS.offer)
    const confirmation = edited(confirmationText(), DEFAULT_TEXTS.confirmation)
    try {
      await props.api.setQueueOverflow(queueId(), {
        rules: rules.map(ruleOf),
        ...(offer === undefined ? {} : { offerText: offer }),
        ...(confirmation === undefined ? {} : { confirmationText: confirmation }),
      })
      setInvalid(undefined)
      setStatus("Overflow settings saved.")
    } catch (error) {
      const bad = invalidOf(error)
      setInvalid(bad)
      setStatus(`Not saved: ${bad.message}`)
    }
  }
  const textInvalid = (field: "offerText" | "confirmationText") => invalid()?.field === field
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
        <Index each={rules} fallback={<p class="muted">No overflow rules: calls wait for a rep.</p>}>
          {(rule, i) => (
            <RuleRow
              rule={rule()}
              index={i}
              count={rules.length}
              queues={props.queues}
              invalid={invalid()?.rule === i ? invalid() : undefined}
              update={(patch) => setRules(i, (r) => ({ ...r, ...patch }))}
              move={(to) => move(i, to)}
              remove={() => remove(i)}
            />
          )}
        </Index>
        <button type="button" onClick={() => setRules(rules.length, { ...NEW_RULE })}>
          <Icon name="plus" />
          Add rule
        </button>
        <label for="offer-text">Callback offer text (C3)</label>
        <textarea
          id="offer-text"
          rows={3}
          value={offerText()}
          aria-invalid={textInvalid("offerText")}
          onInput={(e) => setOfferText(e.currentTarget.value)}
        />
        <label for="confirmation-text">Callback confirmation text (C4)</label>
        <textarea
          id="confirmation-text"
          rows={3}
          value={confirmationText()}
          aria-invalid={textInvalid("confirmationText")}
          onInput={(e) => setConfirmationText(e.currentTarget.value)}
        />
        <p class="muted">The default texts are shown until you change them; empty means the default.</p>
        <button type="submit" class="primary">
          Save overflow settings
        </button>
        <p role="status">{status()}</p>
      </form>
    </section>
  )
}

function RuleRow(props: {
  readonly rule: RuleDraft
  readonly index: number
  readonly count: number
  readonly queues: readonly QueueView[]
  readonly invalid: Invalid | undefined
  readonly update: (patch: Partial<RuleDraft>) => void
  readonly move: (to: number) => void
  readonly remove: () => void
}) {
  const n = () => props.index + 1
  const bad = (field: RuleField) => props.invalid !== undefined && props.invalid.field === field
  const error = () => `rule-error-${n()}`
  return (
    <fieldset aria-describedby={props.invalid === undefined ? undefined : error()}>
      <legend>Rule {n()}</legend>
      <label for={`cond-${n()}`}>Condition</label>
      <select
        id={`cond-${n()}`}
        aria-invalid={bad("condition")}
        onChange={(e) => props.update({ condition: e.currentTarget.value as RuleDraft["condition"] })}
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
          aria-invalid={bad("value")}
          onInput={(e) => props.update({ value: Number(e.currentTarget.value) })}
        />
      </Show>
      <label for={`action-${n()}`}>Action</label>
      <select
        id={`action-${n()}`}
        aria-invalid={bad("action")}
        onChange={(e) => props.update({ action: e.currentTarget.value as RuleDraft["action"] })}
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
        <label for={`target-${n()}`}>Transfer to queue</label>
        <select
          id={`target-${n()}`}
          aria-invalid={bad("queueId")}
          onChange={(e) => props.update({ queueId: e.currentTarget.value })}
        >
          <option value="" selected={props.rule.queueId === ""}>
            Pick a queue
          </option>
          <For each={props.queues}>
            {(q) => (
              <option value={q.queueId} selected={q.queueId === props.rule.queueId}>
                {q.name}
              </option>
            )}
          </For>
        </select>
      </Show>
      <Show when={props.invalid}>
        {(i) => (
          <p id={error()} class="problem">
            {i().message}
          </p>
        )}
      </Show>
      <div class="rule-tools">
        <button type="button" disabled={props.index === 0} onClick={() => props.move(props.index - 1)}>
          <Icon name="up" />
          Move rule {n()} up
        </button>
        <button
          type="button"
          disabled={props.index === props.count - 1}
          onClick={() => props.move(props.index + 1)}
        >
          <Icon name="down" />
          Move rule {n()} down
        </button>
        <button type="button" onClick={props.remove}>
          <Icon name="trash" />
          Remove rule {n()}
        </button>
      </div>
    </fieldset>
  )
}
