# skillcert worker: ApplicationWorkflow and its activities (projection, documents, payments, certificates, mail).
# Build from the repository root:  docker build -f deploy/docker/worker.Dockerfile -t skillcert/worker:dev .
# The runtime image carries poppler-utils (pdftotext counts the characters of uploaded PDFs, see inspect/) and the
# CJK and Latin fonts of the generated PDFs. Runs as an unprivileged user.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/worker ./cmd/worker

FROM debian:12-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates tzdata poppler-utils fonts-droid-fallback fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin skillcert
COPY --from=build /out/worker /usr/local/bin/worker
ENV TZ=Asia/Shanghai
USER 10001:10001
EXPOSE 9465
ENTRYPOINT ["/usr/local/bin/worker"]
