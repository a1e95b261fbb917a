import { type LifelineClient, lifelineClient } from "@lifeline/api/client"

/** Where a page is and who is using it: `#/rep/ana`, `#/supervisor`, `#/admin`. */
export type Route =
  | { readonly page: "rep"; readonly repId: string }
  | { readonly page: "supervisor" }
  | { readonly page: "admin" }
  | { readonly page: "home" }

export const parseRoute = (hash: string): Route => {
  const [page, id] = hash.replace(/^#\/?/, "").split("?")[0]?.split("/") ?? []
  if (page === "rep" && id !== undefined && id !== "") return { page: "rep", repId: decodeURIComponent(id) }
  if (page === "supervisor") return { page: "supervisor" }
  if (page === "admin") return { page: "admin" }
  return { page: "home" }
}

const STORAGE_KEY = "lifeline.apiKey"

/**
 * The API key the page uses: `?key=` in the address (then remembered in this browser), else the
 * remembered one, else the local demo's key for the page (only the demo server accepts those).
 */
export const apiKeyFor = (route: Route, search: string = globalThis.location?.search ?? ""): string => {
  const fromUrl = new URLSearchParams(search).get("key")
  if (fromUrl !== null && fromUrl !== "") {
    globalThis.localStorage?.setItem(STORAGE_KEY, fromUrl)
    return fromUrl
  }
  const saved = globalThis.localStorage?.getItem(STORAGE_KEY)
  if (saved !== null && saved !== undefined && saved !== "") return saved
  switch (route.page) {
    case "rep":
      return `demo-rep-${route.repId}`
    case "admin":
      return "demo-admin-key"
    default:
      return "demo-supervisor-key"
  }
}

/** The typed client of the API, on the page's own origin. */
export const clientFor = (key: string): LifelineClient => lifelineClient("", key)

/** A failure as a person reads it: the API's message, else the error's. */
export const reasonOf = (error: unknown): string => {
  if (typeof error === "object" && error !== null && "message" in error) {
    const message = String((error as { message: unknown }).message)
    return message.replace(/^\d{3} \w+: /, "")
  }
  return String(error)
}
