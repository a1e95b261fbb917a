export class UsageError extends Error {}

export const parseNumber = (name: string, raw: string | undefined, ok: (n: number) => boolean): number => {
  const n = Number(raw)
  if (raw === undefined || raw.trim() === "" || !ok(n))
    throw new UsageError(`--${name}: invalid value '${raw}'`)
  return n
}

export const seedOk = (n: number) => Number.isInteger(n) && n >= 0 && n <= 0xffffffff
export const positive = (n: number) => Number.isFinite(n) && n > 0
export const positiveInteger = (n: number) => Number.isInteger(n) && n > 0
