# Build: docker build -t comeet-import \
#          --build-arg VERSION="$(git describe --tags --always --dirty)" \
#          --build-arg COMMIT="$(git rev-parse HEAD)" \
#          --build-arg BUILD_DATE="$(date -u +%Y-%m-%dT%H:%M:%SZ)" .
# Run:   docker run --rm --user "$(id -u):$(id -g)" -e COMEET_API_KEY -e COMEET_API_SECRET \
#          -v "$PWD:/data" comeet-import import --mapping mapping.csv candidates.csv
# (see README, "Docker").
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# .git is not in the build context (.dockerignore), so Go cannot stamp the
# commit into the binary: the build arguments are linked in instead, and
# `comeet-import version` shows them ("unknown" when not given).
ARG VERSION=""
ARG COMMIT=""
ARG BUILD_DATE=""
# Pure Go throughout (the ledger's SQLite included), so the binary is static.
RUN CGO_ENABLED=0 go build -trimpath -buildvcs=false \
      -ldflags="-s -w -X main.linkedVersion=${VERSION} -X main.linkedCommit=${COMMIT} -X main.linkedDate=${BUILD_DATE}" \
      -o /out/comeet-import ./cmd/comeet-import

# distroless "nonroot": uid and gid 65532, no shell. Files it writes into a
# mounted folder need that folder writable by the user it runs as: run it
# with --user "$(id -u):$(id -g)" to write as yourself.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/comeet-import /usr/local/bin/comeet-import
USER 65532:65532
WORKDIR /data
ENTRYPOINT ["comeet-import"]
CMD ["--help"]
