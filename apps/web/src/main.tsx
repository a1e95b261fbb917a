import { render } from "solid-js/web"
import { QueueTable } from "./supervisor/QueueTable"

const root = document.getElementById("root")
if (root === null) throw new Error("index.html has no #root element")

render(
  () => (
    <main>
      <h1>Lifeline</h1>
      <QueueTable />
    </main>
  ),
  root,
)
