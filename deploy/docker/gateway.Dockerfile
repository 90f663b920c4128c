# skillcert gateway: the HTTP API, the codec server and the web UI.
# Build from the repository root:  docker build -f deploy/docker/gateway.Dockerfile -t skillcert/gateway:dev .
# Multi-stage: the Go toolchain stays in the build stage; the runtime image has the binary, CA roots and the fonts
# the gateway's PDFs (申报表, 诚信承诺书, 准考证, certificate) embed. Runs as an unprivileged user.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/gateway ./cmd/gateway

FROM debian:12-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates tzdata fonts-droid-fallback fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin skillcert
COPY --from=build /out/gateway /usr/local/bin/gateway
ENV TZ=Asia/Shanghai \
    SKILLCERT_HTTP_ADDR=0.0.0.0:8080 \
    SKILLCERT_METRICS_ADDR=0.0.0.0:9464
USER 10001:10001
EXPOSE 8080 9464
ENTRYPOINT ["/usr/local/bin/gateway"]
