# Build: docker build -t comeet-import .
# Run:   docker run --rm -e COMEET_API_KEY -e COMEET_API_SECRET \
#          -v "$PWD:/data" -w /data comeet-import import --mapping mapping.csv candidates.csv
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# Pure Go throughout (the ledger's SQLite included), so the binary is static.
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/comeet-import ./cmd/comeet-import

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/comeet-import /usr/local/bin/comeet-import
USER nonroot:nonroot
WORKDIR /data
ENTRYPOINT ["comeet-import"]
CMD ["--help"]
