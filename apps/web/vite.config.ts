import { defineConfig } from "vite"
import solid from "vite-plugin-solid"

export default defineConfig({
  plugins: [solid()],
  server: {
    // `pnpm --filter @lifeline/api start` serves the API here.
    proxy: { "/api": "http://127.0.0.1:3000" },
  },
  build: { target: "es2023" },
})
