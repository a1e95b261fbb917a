export * from "./actor"
export * from "./module"
export * from "./trail"
export * from "./views"
