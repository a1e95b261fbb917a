import { Effect } from "effect"
import { makeMemoryStore } from "./memory-store"
import { storeContract } from "./store-contract"

storeContract("memory store", () => Effect.sync(makeMemoryStore))
