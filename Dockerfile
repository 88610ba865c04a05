# Beckon node image. docs/operations.md explains each choice.
# Node 26 is the newest LTS line (LTS since October 2026). Bookworm-slim: glibc, so better-sqlite3's
# prebuilt binary fits, and a small base.
ARG NODE_IMAGE=node:26-bookworm-slim

# ---- build: every dependency, the browser bundles, then the dev tools pruned away
FROM ${NODE_IMAGE} AS build
WORKDIR /app
# Compilers only for a native addon without a prebuilt binary for this Node (better-sqlite3, argon2).
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
# The manifests first, so a change to the sources alone reuses the installed dependencies.
COPY package.json package-lock.json ./
COPY packages/protocol/package.json packages/protocol/
COPY packages/core/package.json packages/core/
COPY packages/sdk/package.json packages/sdk/
COPY packages/server/package.json packages/server/
COPY packages/tag/package.json packages/tag/
COPY packages/console/package.json packages/console/
COPY bench/package.json bench/
COPY e2e/package.json e2e/
RUN npm ci --no-audit --no-fund
COPY . .
# Builds the console and the visitor tag; the server runs its TypeScript through tsx (a runtime
# dependency), so it has no build step. Then the dev tools go (Vite, esbuild, TypeScript, Biome),
# and so do the benchmarks, browser tests, tests and browser sources the server never reads.
RUN npm run build \
  && npm prune --omit=dev --no-audit --no-fund \
  && rm -rf bench e2e packages/*/test packages/console/src packages/tag/src \
  && npm cache clean --force

# ---- runtime: the pruned tree, run as the unprivileged `node` user
FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
  HOST=0.0.0.0 \
  PORT=3000 \
  BECKON_DATA_DIR=/data \
  LOG_FORMAT=json
WORKDIR /app
COPY --from=build /app /app
# The data directory: the SQLite store (when DATABASE_URL is unset) and uploaded attachments.
# Owned by `node` before it is declared a volume, so a new volume starts with that owner.
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
USER node
EXPOSE 3000
# Liveness only: /readyz is for the load balancer, which should stop sending new work to a node
# whose store is down without the container being restarted for it.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "packages/server/bin/beckon.js", "serve"]
