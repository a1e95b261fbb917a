import type { JSX } from "solid-js"

/**
 * Issue 19: a wide table scrolls inside this frame on a phone; the page itself never scrolls
 * sideways. The frame takes focus so a keyboard can scroll it (WCAG 2.1.1, axe's
 * scrollable-region-focusable).
 */
export function TableFrame(props: { readonly label: string; readonly children: JSX.Element }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard
    <section class="table-frame" aria-label={props.label} tabIndex={0}>
      {props.children}
    </section>
  )
}
