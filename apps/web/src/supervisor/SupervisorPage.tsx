import { QueueTable } from "./QueueTable"

/** The supervisor's page (loaded on demand: the rep's page does not carry it). */
export function SupervisorPage() {
  return (
    <>
      <h1>Supervisor</h1>
      <QueueTable />
    </>
  )
}
