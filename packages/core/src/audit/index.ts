export * from "./actor"
export * from "./read-model"
export * from "./trail"
export * from "./views"
