import type { CoreKind } from "./run"

export class UsageError extends Error {}

const CORES: readonly string[] = ["center", "routing", "effect"] satisfies readonly CoreKind[]

export const coreOf = (raw: string | undefined): CoreKind => {
  if (raw === undefined || !CORES.includes(raw)) throw new UsageError(`--core: invalid value '${raw}'`)
  return raw as CoreKind
}

export const parseNumber = (name: string, raw: string | undefined, ok: (n: number) => boolean): number => {
  const n = Number(raw)
  if (raw === undefined || raw.trim() === "" || !ok(n))
    throw new UsageError(`--${name}: invalid value '${raw}'`)
  return n
}

export const seedOk = (n: number) => Number.isInteger(n) && n >= 0 && n <= 0xffffffff
export const positive = (n: number) => Number.isFinite(n) && n > 0
export const positiveInteger = (n: number) => Number.isInteger(n) && n > 0
