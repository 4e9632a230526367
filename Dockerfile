# One image for every submerge service; docker-compose picks the service by command.
FROM node:24.11-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm install --omit=dev && npm cache clean --force

FROM node:24.11-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY services ./services
COPY schemas ./schemas
COPY catalog ./catalog
COPY infra/clickhouse ./infra/clickhouse
# The prober's proxy core (a static release binary); `timeout` and /bin/sh come with the base image.
COPY --from=ghcr.io/sagernet/sing-box:v1.14.1 /usr/local/bin/sing-box /usr/local/bin/sing-box
USER node
EXPOSE 8080
CMD ["node", "--import", "tsx", "services/embedded/main.ts"]
