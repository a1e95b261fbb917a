export * from "./analytics"
export * from "./export"
export * from "./projection"
export * from "./record"
