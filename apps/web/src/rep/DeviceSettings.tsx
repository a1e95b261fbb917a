import { createResource, For, Show } from "solid-js"
import type { AudioDevice, CallingClient } from "../calling/port"

/** The audio devices (E7: one of the two things the panel keeps during an emergency call). */
export function DeviceSettings(props: { readonly calling: CallingClient }) {
  const [devices, { refetch }] = createResource(() => props.calling.deviceSettings())
  const pick = (select: (id: string) => Promise<void>) => async (id: string) => {
    await select(id)
    await refetch()
  }
  return (
    <fieldset class="devices">
      <legend>Device settings</legend>
      <Show when={devices()} fallback={<p>Looking for audio devices…</p>}>
        {(d) => (
          <>
            <DeviceSelect
              id="microphone"
              label="Microphone"
              devices={d().microphones}
              selected={d().microphoneId}
              onPick={pick(props.calling.selectMicrophone)}
            />
            <DeviceSelect
              id="speaker"
              label="Speaker"
              devices={d().speakers}
              selected={d().speakerId}
              onPick={pick(props.calling.selectSpeaker)}
            />
          </>
        )}
      </Show>
    </fieldset>
  )
}

function DeviceSelect(props: {
  readonly id: string
  readonly label: string
  readonly devices: readonly AudioDevice[]
  readonly selected: string | null
  readonly onPick: (id: string) => Promise<void>
}) {
  return (
    <>
      <label for={props.id}>{props.label}</label>
      <select id={props.id} onChange={(e) => void props.onPick(e.currentTarget.value)}>
        <For each={props.devices}>
          {(d) => (
            <option value={d.id} selected={d.id === props.selected}>
              {d.name}
            </option>
          )}
        </For>
      </select>
    </>
  )
}
