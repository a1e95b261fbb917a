/**
 * The typed client moved to packages/client (issue 20), built from the same route table as this
 * API; re-exported here until every caller imports `@lifeline/client` itself.
 */
export * from "@lifeline/client"
