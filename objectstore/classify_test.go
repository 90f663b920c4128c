package objectstore

import (
	"errors"
	"testing"

	"github.com/minio/minio-go/v7"

	"skillcert"
)

// TestClassifyS3Answers: the server's own trouble (5xx, SlowDown, drives not yet back) is EUNAVAILABLE, so
// the gateway answers 503 and the worker retries; a missing object is ENOTFOUND; a refusal of the request
// (credentials, configuration) is EINTERNAL.
func TestClassifyS3Answers(t *testing.T) {
	for _, tc := range []struct {
		resp minio.ErrorResponse
		want string
	}{
		{minio.ErrorResponse{StatusCode: 500, Code: "InternalError"}, skillcert.EUNAVAILABLE},
		{minio.ErrorResponse{StatusCode: 502, Code: "BadGateway"}, skillcert.EUNAVAILABLE},
		{minio.ErrorResponse{StatusCode: 503, Code: "XMinioServerNotInitialized"}, skillcert.EUNAVAILABLE},
		{minio.ErrorResponse{StatusCode: 503, Code: "SlowDown"}, skillcert.EUNAVAILABLE},
		{minio.ErrorResponse{}, skillcert.EUNAVAILABLE}, // no S3 answer at all
		{minio.ErrorResponse{StatusCode: 404, Code: "NoSuchKey"}, skillcert.ENOTFOUND},
		{minio.ErrorResponse{StatusCode: 404, Code: "NoSuchVersion"}, skillcert.ENOTFOUND},
		{minio.ErrorResponse{StatusCode: 403, Code: "AccessDenied"}, skillcert.EINTERNAL},
		{minio.ErrorResponse{StatusCode: 400, Code: "InvalidArgument"}, skillcert.EINTERNAL},
	} {
		err := classify("read", tc.resp)
		if got := skillcert.ErrorCode(err); got != tc.want {
			t.Errorf("%d %s: %s, want %s", tc.resp.StatusCode, tc.resp.Code, got, tc.want)
		}
		var resp minio.ErrorResponse
		if !errors.As(err, &resp) || resp.Code != tc.resp.Code {
			t.Errorf("%s: minio's error is not kept in the chain: %v", tc.resp.Code, err)
		}
	}
}
