FROM node:20-bookworm-slim
WORKDIR /opt/waflow
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY bin ./bin
COPY web ./web
RUN npm install --no-save typescript@5.9 @types/node@20 @types/pg@8 && npm run build && npm prune --omit=dev
USER node
EXPOSE 3001
# A smaller young generation keeps RSS under 150 MB (docs/deploy.md, "Memory").
CMD ["node", "--max-semi-space-size=8", "bin/waflow.js", "serve"]
