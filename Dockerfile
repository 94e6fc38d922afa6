# Spur's own image: the single executable on Debian, with git and ssh for clones. Run it with the
# Docker socket, and the data dir bind-mounted at the same path as on the host (tasks bind-mount
# the health probe from it, and Docker resolves host paths):
#   docker run -d --name spur -p 3000:3000 -p 2222:2222 -v /var/run/docker.sock:/var/run/docker.sock \
#     -v /var/lib/spur:/var/lib/spur spur
FROM node:20-bookworm-slim AS build
WORKDIR /src
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ gcc libc6-dev git && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm install --no-audit --no-fund
COPY . .
RUN node scripts/release.mjs

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends git openssh-client ca-certificates && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/dist/spur-linux-x64 /usr/local/bin/spur
ENV SPUR_DATA_DIR=/var/lib/spur SPUR_PORT=3000 MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=131072
VOLUME /var/lib/spur
EXPOSE 3000 2222
ENTRYPOINT ["/usr/local/bin/spur"]
CMD ["serve"]
