# One image for every service; docker-compose.yml picks the entry point. Built JavaScript (pnpm build → dist/), no tsx.
FROM node:20-bookworm-slim
RUN npm install -g pnpm@10 && apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
# hoisted: the bundles in dist/ import their npm packages from /app/node_modules
RUN pnpm install --frozen-lockfile --config.node-linker=hoisted && pnpm build
ENV NODE_ENV=production BENCHMARKS_DIR=/app/benchmarks
CMD ["node", "dist/api.js"]
