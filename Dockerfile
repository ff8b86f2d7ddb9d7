# One image for both services (and the migration step); docker-compose.yml picks the command.
# Not built on the development machine (no Docker engine there): kept correct by review and by
# test/docker-compose.test.ts.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/shared/package.json packages/shared/
COPY services/api/package.json services/api/
COPY services/indexer/package.json services/indexer/
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY packages packages
COPY services services
USER node
ENV NODE_ENV=production
CMD ["node", "--import", "tsx", "services/api/src/main.ts"]
