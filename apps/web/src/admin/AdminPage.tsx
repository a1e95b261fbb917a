import type { RepView } from "@lifeline/core/center"
import type { QueueView } from "@lifeline/core/routing"
import { createResource, Show } from "solid-js"
import { pageClient } from "../app/session"
import { ContactsEditor } from "./ContactsEditor"
import { Deliveries } from "./Deliveries"
import { OperatorLog } from "./OperatorLog"
import { OverflowEditor } from "./OverflowEditor"
import { QueueMembers } from "./QueueMembers"
import { ServiceLevelTargetEditor } from "./ServiceLevelTargetEditor"
import { TemplateEditor } from "./TemplateEditor"

/** R3, E11, C1–C4, B5, B6: the admin's pages on one screen. */
export function AdminPage() {
  const api = pageClient()
  const [setup, { refetch }] = createResource(async () => {
    const [reps, queues] = await Promise.all([api.reps(), api.queues()])
    return { reps: reps as readonly RepView[], queues: queues as readonly QueueView[] }
  })
  const reload = async () => {
    await refetch()
  }
  return (
    <>
      <h1>Administration</h1>
      <Show when={setup.error}>
        <p class="problem">Could not load the reps and queues (are you signed in as an admin?).</p>
      </Show>
      <Show when={setup.latest}>
        {(s) => (
          <>
            <QueueMembers api={api} queues={s().queues} reps={s().reps} reload={reload} />
            <ContactsEditor api={api} reps={s().reps} />
            <TemplateEditor api={api} />
            <OverflowEditor api={api} queues={s().queues} />
            <ServiceLevelTargetEditor api={api} queues={s().queues} />
            <OperatorLog api={api} />
            <Deliveries api={api} reps={s().reps} />
          </>
        )}
      </Show>
    </>
  )
}
