# One image for every service; the command picks which runs (docker-compose.yml, infra/k8s):
#   node apps/embedded/dist/main.js     all services in one process (the default)
#   node apps/<gateway|ingestion|query|memory>/dist/main.js, node apps/<ingestion|memory>/dist/migrate.js
FROM node:20-bookworm-slim AS build
WORKDIR /app
ENV ONNXRUNTIME_NODE_INSTALL=skip
COPY . .
# `npm install`, as CI does: npm 11 lockfiles omit other platforms' optional binaries, which `npm ci` rejects.
RUN npm install --no-audit --no-fund && npm run build && npm prune --omit=dev --no-audit --no-fund
# onnxruntime-node ships every platform's binaries; the image runs Linux only (224 MB of the others).
RUN find . -type d -path '*/onnxruntime-node/bin/napi-v*/*' \( -name darwin -o -name win32 \) -prune -exec rm -rf {} +

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8080 DATA_DIR=/data
COPY --from=build --chown=node:node /app /app
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 8080 8081
# The gateway and the embedded mode answer on PORT; the bus services set HEALTHCHECK_URL to their HEALTH_PORT.
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s CMD node -e "fetch(process.env.HEALTHCHECK_URL||'http://127.0.0.1:'+process.env.PORT+'/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "apps/embedded/dist/main.js"]
