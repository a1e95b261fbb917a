import { defineConfig } from "drizzle-kit"

/** `pnpm db:generate` turns changes to the schema into a new SQL migration in ./drizzle. */
export default defineConfig({
  dialect: "turso",
  schema: "./src/store/libsql/schema.ts",
  out: "./drizzle",
})
