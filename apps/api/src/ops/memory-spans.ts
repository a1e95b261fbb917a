import * as NodeSdk from "@effect/opentelemetry/NodeSdk"
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base"
import type { Layer } from "effect"

/**
 * For tests (issue 21): the node's spans kept in memory through the same OpenTelemetry SDK the
 * OTLP export uses, so a test can read every span a session produced (names, attributes, events).
 */
export const memorySpans = (): {
  readonly layer: Layer.Layer<never>
  readonly spans: () => readonly ReadableSpan[]
} => {
  const exporter = new InMemorySpanExporter()
  return {
    layer: NodeSdk.layer(() => ({
      resource: { serviceName: "lifeline-test" },
      spanProcessor: new SimpleSpanProcessor(exporter),
    })),
    spans: () => exporter.getFinishedSpans(),
  }
}
