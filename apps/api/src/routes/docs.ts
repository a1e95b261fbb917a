import { existsSync } from "node:fs"
import { readFile } from "node:fs/promises"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { Scalar } from "@scalar/hono-api-reference"
import { Hono } from "hono"

/** Where the reference page's script is served: from this node, never a CDN. */
const BUNDLE_PATH = "/docs/standalone.js"

/**
 * Scalar's standalone bundle (read once, at the first request for it): beside the node's bundle
 * in a build (scripts/build.mjs copies it there, so apps/api/dist runs anywhere), else as
 * installed (a node run from the sources).
 */
const bundle = (() => {
  let text: Promise<string> | undefined
  const besideBundle = fileURLToPath(new URL("./scalar-standalone.js", import.meta.url))
  return () => {
    text ??= readFile(
      existsSync(besideBundle)
        ? besideBundle
        : // The package exports no subpath for it: found beside its main entry (dist/index.js).
          join(
            dirname(createRequire(import.meta.url).resolve("@scalar/api-reference")),
            "browser/standalone.js",
          ),
      "utf8",
    )
    return text
  }
})()

/**
 * Issue 20: the API reference at `/docs` (Scalar), public as documentation is. The page and its
 * script come from the node itself, and nothing it loads by itself is on another host: no CDN,
 * no web fonts, no telemetry (`docs-page.test.ts` opens it in a browser and watches).
 */
export const docsRoutes = () =>
  new Hono()
    .get(
      "/",
      Scalar({
        url: "/api/openapi.json",
        cdn: BUNDLE_PATH,
        pageTitle: "Lifeline API reference",
        withDefaultFonts: false,
        telemetry: false,
        hideClientButton: true,
      }),
    )
    .get("/standalone.js", async (c) =>
      c.body(await bundle(), 200, {
        "content-type": "text/javascript; charset=utf-8",
        "cache-control": "public, max-age=86400",
      }),
    )
