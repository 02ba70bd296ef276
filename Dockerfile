# The mock as one container image: `npm run image` builds it as wechat-scf-kit:dev (docs/container.md).
# Two stages: the first compiles the TypeScript with every dependency, the second holds only Node, the
# compiled files and the production dependencies, and runs as the base image's unprivileged user.

# Any image with Node 20.19 or later (the build's bundler needs it), npm, /bin/sh and a user named node will
# do (the tests build one offline).
ARG BASE=docker.io/library/node:20-bookworm-slim

FROM ${BASE} AS build
WORKDIR /src
# The lock file first: the dependency layer is reused until package.json or the lock changes.
COPY package.json package-lock.json ./
# Behind a TLS-intercepting proxy npm needs its CA: given as the build secret npm_ca it is mounted for
# this step only and never written to a layer. The npm cache is a cache mount, also outside the layers.
RUN --mount=type=secret,id=npm_ca \
    --mount=type=cache,target=/root/.npm \
    if [ -s /run/secrets/npm_ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/npm_ca; fi; \
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
COPY tsconfig.json tsconfig.build.json ./
COPY schemas ./schemas
COPY generated ./generated
COPY contracts ./contracts
COPY mock-server ./mock-server
COPY scripts/build.mjs ./scripts/build.mjs
RUN npm run build && npm prune --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error

FROM ${BASE}
WORKDIR /app
# Files stay root's: the mock only reads them, and a process that cannot change its own code is safer.
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
# The image's defaults, each one a flag's environment twin (a flag given to `docker run` beats it):
# listen on every address of the container, log JSON lines, and turn the control API on only when a
# control token is given.
ENV NODE_ENV=production \
    WECHAT_SCF_KIT_HOST=0.0.0.0 \
    WECHAT_SCF_KIT_LOG_FORMAT=json \
    WECHAT_SCF_KIT_CONTROL=auto
USER node
EXPOSE 4020
# Node itself asks the public health endpoint: no curl in the image, and it answers in every mode.
# The timeout leaves room for a Node process to start on a busy machine.
HEALTHCHECK --interval=10s --timeout=5s --start-period=5s --retries=3 \
    CMD ["node", "/app/dist/mock-server/cli.js", "health"]
# The mock is PID 1 and handles SIGTERM itself (closes the server, exits 0).
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "/app/dist/mock-server/cli.js"]
CMD ["serve"]
