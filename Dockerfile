# One image for every service; docker-compose.yml picks the entry point. TypeScript runs through tsx (no build step).
FROM node:20-bookworm-slim
RUN npm install -g pnpm@10 && apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
RUN pnpm install --frozen-lockfile
ENV NODE_ENV=production
CMD ["node", "--import", "tsx", "services/api/src/main.ts"]
