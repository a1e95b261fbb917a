import type { LifelineClient } from "@lifeline/client"
import { createEffect, createResource, createSignal, For, on, onCleanup, Show } from "solid-js"
import { reasonOf } from "../app/session"

interface TemplateView {
  readonly subject: string
  readonly body: string
  readonly placeholders: Readonly<Record<string, string>>
}

/** E9/E11: the emergency notification template, previewed live with sample values as you type. */
export function TemplateEditor(props: { readonly api: LifelineClient }) {
  const [subject, setSubject] = createSignal("")
  const [body, setBody] = createSignal("")
  const [preview, setPreview] = createSignal<{ subject: string; text: string }>()
  const [problem, setProblem] = createSignal<string>()
  const [status, setStatus] = createSignal("")
  const [saved] = createResource(async () => {
    const view = await props.api.call<TemplateView>("GET", "/api/emergency/template")
    setSubject(view.subject)
    setBody(view.body)
    return view
  })
  let timer: ReturnType<typeof setTimeout> | undefined
  createEffect(
    on([subject, body], ([s, b]) => {
      clearTimeout(timer)
      timer = setTimeout(() => {
        props.api
          .call<{ subject: string; text: string }>("POST", "/api/emergency/template/preview", {
            subject: s,
            body: b,
          })
          .then((p) => {
            setPreview(p)
            setProblem(undefined)
          })
          .catch((e: unknown) => setProblem(reasonOf(e)))
      }, 250)
    }),
  )
  onCleanup(() => clearTimeout(timer))
  const save = async (e: SubmitEvent) => {
    e.preventDefault()
    try {
      await props.api.call("PUT", "/api/emergency/template", { subject: subject(), body: body() })
      setStatus("Template saved.")
    } catch (error) {
      setStatus(`Not saved: ${reasonOf(error)}`)
    }
  }
  return (
    <section aria-labelledby="template-heading">
      <h2 id="template-heading">Emergency notification template</h2>
      <form onSubmit={(e) => void save(e)}>
        <label for="template-subject">Subject</label>
        <input id="template-subject" value={subject()} onInput={(e) => setSubject(e.currentTarget.value)} />
        <label for="template-body">Body</label>
        <textarea
          id="template-body"
          rows={8}
          value={body()}
          onInput={(e) => setBody(e.currentTarget.value)}
        />
        <Show when={saved()}>
          {(v) => (
            <p>
              Placeholders:{" "}
              <For each={Object.entries(v().placeholders)}>
                {([name, what]) => (
                  <span>
                    <code>{`{{${name}}}`}</code> {what};{" "}
                  </span>
                )}
              </For>
            </p>
          )}
        </Show>
        <button type="submit" disabled={problem() !== undefined}>
          Save template
        </button>
        <p role="status">{status()}</p>
      </form>
      <h3>Preview</h3>
      <section aria-live="polite" aria-label="Template preview" class="preview-region">
        <Show when={problem()} fallback={<Preview preview={preview()} />}>
          {(text) => <p class="problem">{text()}</p>}
        </Show>
      </section>
    </section>
  )
}

function Preview(props: { readonly preview: { subject: string; text: string } | undefined }) {
  return (
    <Show when={props.preview}>
      {(p) => (
        <div class="preview">
          <p>
            <strong>{p().subject}</strong>
          </p>
          <pre>{p().text}</pre>
        </div>
      )}
    </Show>
  )
}
