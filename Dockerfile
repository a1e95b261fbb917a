# Lifeline API node (issue 16). Two stages: the build (pnpm, esbuild, vite) and a runtime that
# holds only the bundle (apps/api/dist: server.mjs, admin.mjs, the migrations, the node_modules
# libSQL needs) and the built web app. docs/operations.md, "Container".
#
#   docker build -t lifeline .
#   docker run -p 3000:3000 -v lifeline-data:/data -e LIFELINE_API_KEYS=... lifeline
#
# tests/build/image.test.ts runs what this image runs (the runtime stage's files, ENV, CMD and
# HEALTHCHECK) under plain node without a container; the image itself was not built here.

FROM node:24-slim AS build
WORKDIR /src
RUN npm install --global pnpm@10.34.9
# The manifests first, so the dependency layer is cached until one of them changes.
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml .npmrc ./
COPY packages/core/package.json packages/core/
COPY packages/adapters/package.json packages/adapters/
COPY apps/api/package.json apps/api/
COPY apps/web/package.json apps/web/
COPY apps/simulator/package.json apps/simulator/
COPY tests/package.json tests/
RUN pnpm install --frozen-lockfile
COPY . .
RUN pnpm build

FROM node:24-slim AS runtime
ENV NODE_ENV=production
ENV HOST=0.0.0.0
ENV PORT=3000
ENV LIFELINE_DB_URL=file:/data/lifeline.db
WORKDIR /app
COPY --from=build /src/apps/api/dist apps/api/dist
COPY --from=build /src/apps/web/dist apps/web/dist
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# SIGTERM reaches node itself (exec form, PID 1): the graceful stop of docs/operations.md.
CMD ["node", "apps/api/dist/server.mjs"]
