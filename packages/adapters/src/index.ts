export * from "./clock/system-clock"
export * from "./clock/virtual-clock"
export * from "./store/memory-store"
