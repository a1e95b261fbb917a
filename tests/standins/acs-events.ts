import { randomUUID } from "node:crypto"
import { API_VERSION, type IdentifierModel } from "./acs-wire"

/**
 * Events as ACS puts them on the wire. Callback events: a JSON array of CloudEvents 1.0 whose
 * `type` is `Microsoft.Communication.<Name>` and whose `data` is the swagger's definition of that
 * name (the envelope follows the .NET SDK's CallAutomationEventParser; `source`/`subject` and the
 * `version`/`publicEventType` data fields follow what ACS sends in practice, not the swagger).
 * IncomingCall goes through Event Grid instead, in either the Event Grid or the CloudEvents schema.
 */

export interface CallFacts {
  readonly callConnectionId: string
  readonly serverCallId: string
  readonly correlationId: string
}

export interface CloudEvent {
  readonly id: string
  readonly source: string
  readonly type: string
  readonly specversion: "1.0"
  readonly datacontenttype: "application/json"
  readonly time: string
  readonly subject: string
  readonly data: Readonly<Record<string, unknown>>
}

export const callbackEvent = (
  name: string,
  call: CallFacts,
  data: Readonly<Record<string, unknown>> = {},
): CloudEvent => {
  const type = `Microsoft.Communication.${name}`
  const path = `calling/callConnections/${call.callConnectionId}`
  return {
    id: randomUUID(),
    source: path,
    type,
    specversion: "1.0",
    datacontenttype: "application/json",
    time: new Date().toISOString(),
    subject: path,
    data: {
      version: API_VERSION,
      callConnectionId: call.callConnectionId,
      serverCallId: call.serverCallId,
      correlationId: call.correlationId,
      ...data,
      publicEventType: type,
    },
  }
}

export type EventGridSchema = "EventGrid" | "CloudEvents"

const RESOURCE =
  "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/standin/providers/Microsoft.Communication/communicationServices/acs-standin"

export interface IncomingCallFacts {
  readonly from: IdentifierModel
  readonly to: IdentifierModel
  readonly serverCallId: string
  readonly correlationId: string
  readonly incomingCallContext: string
  readonly callerDisplayName?: string
}

/** One Event Grid delivery of an IncomingCall, with the headers Event Grid sends. */
export const incomingCallDelivery = (schema: EventGridSchema, call: IncomingCallFacts) => {
  const id = randomUUID()
  const time = new Date().toISOString()
  const type = "Microsoft.Communication.IncomingCall"
  const subject = `/caller/${call.from.rawId}/recipient/${call.to.rawId}`
  const data = {
    to: call.to,
    from: call.from,
    serverCallId: call.serverCallId,
    callerDisplayName: call.callerDisplayName ?? "",
    incomingCallContext: call.incomingCallContext,
    correlationId: call.correlationId,
  }
  const event =
    schema === "EventGrid"
      ? {
          id,
          topic: RESOURCE,
          subject,
          data,
          eventType: type,
          dataVersion: "1.0",
          metadataVersion: "1",
          eventTime: time,
        }
      : { id, source: RESOURCE, subject, data, type, specversion: "1.0", time }
  const contentType =
    schema === "EventGrid" ? "application/json" : "application/cloudevents-batch+json; charset=utf-8"
  return {
    eventId: id,
    body: [event],
    headers: { "content-type": contentType, "aeg-event-type": "Notification" },
  }
}
