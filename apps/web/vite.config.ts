import { defineConfig } from "vite"
import solid from "vite-plugin-solid"

export default defineConfig({
  plugins: [solid()],
  server: {
    // `LIFELINE_DEMO=true pnpm --filter @lifeline/api dev` (tsx, no build) serves the API here.
    proxy: { "/api": "http://127.0.0.1:3000" },
  },
  build: { target: "es2023" },
})
