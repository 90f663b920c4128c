package codec

import "go.temporal.io/sdk/client"

// ConnectionOptions are the gRPC settings of skillcert's Temporal clients (worker, gateway): no gzip. The
// SDK gzips every request by default, and the server then answers gzipped too; but every payload is
// AES-GCM ciphertext (Encode), which does not compress (TestEncryptedPayloadsDoNotCompress), so gzip
// only spent CPU on both ends: about a tenth of the gateway's and a twentieth of the worker's under the
// load test (deploy/loadtest/PERFORMANCE.md, "CPU per lifecycle").
func ConnectionOptions() client.ConnectionOptions {
	return client.ConnectionOptions{GrpcCompression: &client.GrpcCompressionNone{}}
}
