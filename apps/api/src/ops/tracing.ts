import * as NodeSdk from "@effect/opentelemetry/NodeSdk"
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http"
import { BatchSpanProcessor } from "@opentelemetry/sdk-trace-base"
import { Layer } from "effect"

export interface TracingSettings {
  /** The collector's OTLP/HTTP traces URL (`…/v1/traces`). */
  readonly url: string
  readonly serviceName: string
  readonly headers: Readonly<Record<string, string>>
}

/**
 * Effect's spans (each request, each center command and timer, each store append) exported with
 * OpenTelemetry over OTLP/HTTP when a collector is configured; nothing otherwise (Effect keeps
 * its spans in memory only). Closing the layer flushes what is batched (the graceful stop).
 * Spans carry route patterns, command tags and counts: never a body, a number or an address.
 */
export const tracingLayer = (settings: TracingSettings | undefined): Layer.Layer<never> =>
  settings === undefined
    ? Layer.empty
    : // Only its effect on the runtime's tracer matters; its Resource service is nobody's need.
      NodeSdk.layer(() => ({
        resource: { serviceName: settings.serviceName },
        spanProcessor: new BatchSpanProcessor(
          new OTLPTraceExporter({ url: settings.url, headers: { ...settings.headers } }),
          { scheduledDelayMillis: 1_000 },
        ),
        shutdownTimeout: "3 seconds",
      }))
