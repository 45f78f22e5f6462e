# Lifeline API and worker, one image (docker-compose.yml picks the command).
# Build stage: install everything, compile TypeScript to dist/ and bundle the console into dist/console/.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# npm ci: exactly the lock, which lists every platform's optional packages.
RUN npm ci --no-fund --no-audit
COPY tsconfig.json tsconfig.build.json ./
COPY workflows ./workflows
COPY activities ./activities
COPY api ./api
COPY worker ./worker
COPY policies ./policies
COPY db ./db
COPY common ./common
# The support console: bundled by esbuild into dist/console, served by the API at /console.
COPY console ./console
COPY scripts/build-console.ts ./scripts/build-console.ts
RUN npm run build && cp -r db/migrations dist/db/migrations

# Runtime stage: production dependencies and the compiled code only.
FROM node:20-bookworm-slim
ENV NODE_ENV=production TZ=UTC HOST=0.0.0.0 PORT=3000
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-fund --no-audit && npm cache clean --force
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3000
CMD ["node", "dist/api/main.js"]
