# One image for both services (and the migration step); docker-compose.yml picks the command.
# Stages: `manifests` holds the package.json files and the lock; `build` installs every dependency
# and compiles the workspaces (tsc; Vite bundles the console); `production-dependencies` installs
# production dependencies only; the final stage holds those, the compiled dist/ folders, the
# migrations and the CLI's bin (the same tree that `./dev build --production DIR` stages and
# .ci/run tests end to end), owned by root and run as the unprivileged `node` user, so the process
# cannot rewrite its own code.
# Not built on the development machine (no Docker engine there): kept correct by review and by
# test/docker-compose.test.ts.

# Node 24: of the LTS lines the code runs on (20, 22, 24), the one supported longest (until April
# 2028; 22 until April 2027; 20 ended in April 2026). bookworm-slim: Debian's glibc without the
# full image's compilers and tools, which nothing here needs at run time. Every stage uses the same
# image, so the dependencies are installed by the Node and npm that run them.
ARG NODE_IMAGE=node:24-bookworm-slim

# The manifests (and the CLI's bin, which npm links into node_modules/.bin), so each install
# below is cached until a package.json or the lock changes.
FROM ${NODE_IMAGE} AS manifests
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/shared/package.json packages/shared/
COPY packages/cli/package.json packages/cli/
COPY packages/cli/bin packages/cli/bin
COPY services/api/package.json services/api/
COPY services/indexer/package.json services/indexer/
COPY services/console/package.json services/console/

FROM manifests AS build
# Compiling needs no install scripts. It does need optional packages: the console's bundler (Vite:
# Rollup and esbuild) runs native binaries that npm installs as optional, per platform, packages.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY packages packages
COPY services services
RUN npm run build

FROM manifests AS production-dependencies
RUN npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund

FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
# The whole tree, not only the root node_modules: npm nests a workspace's dependency under the
# workspace when its version differs from another's (services/api/node_modules/uuid).
COPY --from=production-dependencies /app ./
COPY services/api/migrations services/api/migrations
COPY --from=build /app/packages/shared/dist packages/shared/dist
COPY --from=build /app/packages/cli/dist packages/cli/dist
COPY --from=build /app/services/api/dist services/api/dist
COPY --from=build /app/services/indexer/dist services/indexer/dist
# The web console's static files, which the api serves at /console.
COPY --from=build /app/services/console/dist services/console/dist
USER node
EXPOSE 8080 8081
CMD ["node", "services/api/dist/main.js"]
