import { createHash, randomBytes } from "node:crypto"

/**
 * Issue 21: the secrets a node hands out (session cookies, API keys) are 256 random bits; what
 * it stores and compares is their SHA-256, so a copy of the database opens no session and no
 * key. A high-entropy secret needs no slow hash: nobody can guess one to match a hash.
 */
export const newSecret = (): string => randomBytes(32).toString("base64url")

export const hashSecret = (secret: string): string => createHash("sha256").update(secret).digest("hex")

/** A public reference (a session's or key's id in admin routes and the audit): no secret. */
export const newPublicId = (prefix: string): string => `${prefix}_${randomBytes(9).toString("base64url")}`
