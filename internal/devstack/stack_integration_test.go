package devstack

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/minio/minio-go/v7/pkg/encrypt"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/sdk/client"
)

// checks are the reachability checks run against every stack, one per service.
var checks = []struct {
	service string
	check   func(ctx context.Context, s *Stack) error
}{
	{"postgres", checkPostgres},
	{"minio", checkMinio},
	{"temporal", checkTemporal},
}

func TestStackServesAllThree(t *testing.T) {
	s := ForTest(t)
	for _, c := range checks {
		t.Run(c.service, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if err := c.check(ctx, s); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestStartStopRestart starts a private stack, stops it, checks that nothing listens any more, starts it again
// on new ports and checks that the data written before survived.
func TestStartStopRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test (skipped with -short)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	dir, err := os.MkdirTemp("", "skillcert-stack-test-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}

	// Should this test be killed, the watchdog stops the stack and deletes dir.
	removeOnExit := []string{"SKILLCERT_STACK_WATCH_REMOVE=1"}
	first, err := start(ctx, dir, removeOnExit)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	stopped := false
	defer func() {
		if !stopped {
			_ = first.Stop()
		}
	}()
	for _, c := range checks {
		if err := c.check(ctx, first); err != nil {
			t.Fatalf("first start: %v", err)
		}
	}
	const marker = "restart-marker"
	if err := writeMarkers(ctx, first, marker); err != nil {
		t.Fatal(err)
	}
	if err := first.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	stopped = true
	for _, addr := range []string{first.TemporalAddress, first.MinioEndpoint, hostPort(first.DatabaseURL)} {
		if conn, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			_ = conn.Close()
			t.Errorf("after Stop something still listens on %s", addr)
		}
	}
	if pids, _ := filepath.Glob(filepath.Join(dir, "pids", "*.pid")); len(pids) != 0 {
		t.Errorf("after Stop pid files remain: %v", pids)
	}
	// A data folder from before durable commits were enforced, and one where ALTER SYSTEM weakened them: the
	// restart must turn them back on (checkPostgres below), whatever the spelling.
	for file, line := range map[string]string{
		"postgresql.conf":      "synchronous_commit = off\n",
		"postgresql.auto.conf": "synchronous_commit='off'\nfsync = 'off'\n",
	} {
		conf, err := os.OpenFile(filepath.Join(dir, "pg", file), os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := conf.WriteString(line); err != nil {
			t.Fatal(err)
		}
		if err := conf.Close(); err != nil {
			t.Fatal(err)
		}
	}

	second, err := start(ctx, dir, removeOnExit)
	if err != nil {
		t.Fatalf("second Start: %v", err)
	}
	defer func() {
		if err := second.Stop(); err != nil {
			t.Errorf("second Stop: %v", err)
		}
	}()
	if err := readMarkers(ctx, second, marker); err != nil {
		t.Fatalf("after restart: %v", err)
	}
	if err := checkPostgres(ctx, second); err != nil {
		t.Fatalf("after restart of an old data folder: %v", err)
	}
}

func checkPostgres(ctx context.Context, s *Stack) error {
	conn, err := pgx.Connect(ctx, s.DatabaseURL)
	if err != nil {
		return fmt.Errorf("connect to postgres: %w", err)
	}
	defer conn.Close(ctx)
	if err := conn.Ping(ctx); err != nil {
		return fmt.Errorf("ping postgres: %w", err)
	}
	var db, version string
	if err := conn.QueryRow(ctx, "SELECT current_database(), current_setting('server_version_num')").
		Scan(&db, &version); err != nil {
		return fmt.Errorf("query postgres: %w", err)
	}
	if db != "skillcert" || version < "150000" {
		return fmt.Errorf("postgres: database %q version %s, want skillcert on 15 or newer", db, version)
	}
	// Nothing acknowledged may be lost: every commit waits for its WAL flush.
	var syncCommit, fsync string
	if err := conn.QueryRow(ctx, "SELECT current_setting('synchronous_commit'), current_setting('fsync')").
		Scan(&syncCommit, &fsync); err != nil {
		return fmt.Errorf("query postgres settings: %w", err)
	}
	if syncCommit != "on" || fsync != "on" {
		return fmt.Errorf("postgres: synchronous_commit = %s, fsync = %s; want both on (durable commits)", syncCommit, fsync)
	}
	return nil
}

func minioClient(s *Stack) (*minio.Client, error) {
	c, err := minio.New(s.MinioEndpoint, &minio.Options{
		Creds: credentials.NewStaticV4(s.MinioAccessKey, s.MinioSecretKey, ""),
	})
	if err != nil {
		return nil, fmt.Errorf("minio client: %w", err)
	}
	return c, nil
}

// checkMinio lists buckets and stores an object with SSE-S3, which works only when the KMS key is set.
func checkMinio(ctx context.Context, s *Stack) error {
	c, err := minioClient(s)
	if err != nil {
		return err
	}
	if _, err := c.ListBuckets(ctx); err != nil {
		return fmt.Errorf("list buckets: %w", err)
	}
	bucket := fmt.Sprintf("devstack-check-%d", time.Now().UnixNano())
	if err := c.MakeBucket(ctx, bucket, minio.MakeBucketOptions{}); err != nil {
		return fmt.Errorf("make bucket: %w", err)
	}
	defer func() { _ = c.RemoveBucket(context.Background(), bucket) }()
	body := []byte("加密的内容")
	if _, err := c.PutObject(ctx, bucket, "sse.txt", bytes.NewReader(body), int64(len(body)),
		minio.PutObjectOptions{ServerSideEncryption: encrypt.NewSSE()}); err != nil {
		return fmt.Errorf("put object with SSE-S3: %w", err)
	}
	defer func() { _ = c.RemoveObject(context.Background(), bucket, "sse.txt", minio.RemoveObjectOptions{}) }()
	info, err := c.StatObject(ctx, bucket, "sse.txt", minio.StatObjectOptions{})
	if err != nil {
		return fmt.Errorf("stat object: %w", err)
	}
	if got := info.Metadata.Get("X-Amz-Server-Side-Encryption"); got != "AES256" {
		return fmt.Errorf("object encryption header = %q, want AES256 (SSE-S3)", got)
	}
	return nil
}

// checkTemporal checks the frontend's health and that the project's search attributes are registered.
func checkTemporal(ctx context.Context, s *Stack) error {
	c, err := client.Dial(client.Options{HostPort: s.TemporalAddress, Namespace: s.TemporalNamespace})
	if err != nil {
		return fmt.Errorf("dial temporal: %w", err)
	}
	defer c.Close()
	if _, err := c.CheckHealth(ctx, &client.CheckHealthRequest{}); err != nil {
		return fmt.Errorf("temporal health: %w", err)
	}
	resp, err := c.OperatorService().ListSearchAttributes(ctx,
		&operatorservice.ListSearchAttributesRequest{Namespace: s.TemporalNamespace})
	if err != nil {
		return fmt.Errorf("list search attributes: %w", err)
	}
	want := map[string]enumspb.IndexedValueType{
		"SkillcertStatus":     enumspb.INDEXED_VALUE_TYPE_KEYWORD,
		"SkillcertRegion":     enumspb.INDEXED_VALUE_TYPE_KEYWORD,
		"SkillcertBatch":      enumspb.INDEXED_VALUE_TYPE_KEYWORD,
		"SkillcertOccupation": enumspb.INDEXED_VALUE_TYPE_KEYWORD,
		"SkillcertLevel":      enumspb.INDEXED_VALUE_TYPE_INT,
	}
	for name, typ := range want {
		if got, ok := resp.GetCustomAttributes()[name]; !ok || got != typ {
			return fmt.Errorf("search attribute %s = %v (registered %v), want %v", name, got, ok, typ)
		}
	}
	return nil
}

// writeMarkers leaves a row, a bucket and a running workflow behind, so a restart can be checked for them.
func writeMarkers(ctx context.Context, s *Stack, marker string) error {
	conn, err := pgx.Connect(ctx, s.DatabaseURL)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE TABLE devstack_marker (v text); INSERT INTO devstack_marker VALUES ('"+
		marker+"')"); err != nil {
		return fmt.Errorf("write marker row: %w", err)
	}
	mc, err := minioClient(s)
	if err != nil {
		return err
	}
	if err := mc.MakeBucket(ctx, marker, minio.MakeBucketOptions{}); err != nil {
		return fmt.Errorf("make marker bucket: %w", err)
	}
	tc, err := client.Dial(client.Options{HostPort: s.TemporalAddress, Namespace: s.TemporalNamespace})
	if err != nil {
		return fmt.Errorf("dial temporal: %w", err)
	}
	defer tc.Close()
	// No worker polls this queue; the workflow stays running, which is all we need.
	if _, err := tc.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: marker, TaskQueue: marker},
		"DevstackMarker"); err != nil {
		return fmt.Errorf("start marker workflow: %w", err)
	}
	return nil
}

func readMarkers(ctx context.Context, s *Stack, marker string) error {
	conn, err := pgx.Connect(ctx, s.DatabaseURL)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close(ctx)
	var v string
	if err := conn.QueryRow(ctx, "SELECT v FROM devstack_marker").Scan(&v); err != nil || v != marker {
		return fmt.Errorf("marker row = %q, %v; want %q", v, err, marker)
	}
	mc, err := minioClient(s)
	if err != nil {
		return err
	}
	if ok, err := mc.BucketExists(ctx, marker); err != nil || !ok {
		return fmt.Errorf("marker bucket exists = %v, %v; want true", ok, err)
	}
	tc, err := client.Dial(client.Options{HostPort: s.TemporalAddress, Namespace: s.TemporalNamespace})
	if err != nil {
		return fmt.Errorf("dial temporal: %w", err)
	}
	defer tc.Close()
	desc, err := tc.DescribeWorkflow(ctx, marker, "")
	if err != nil {
		return fmt.Errorf("describe marker workflow: %w", err)
	}
	if st := desc.Status; st != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
		return fmt.Errorf("marker workflow status = %v, want running", st)
	}
	return nil
}

// hostPort extracts host:port from a postgres:// URL.
func hostPort(databaseURL string) string {
	cfg, err := pgx.ParseConfig(databaseURL)
	if err != nil {
		return databaseURL
	}
	return net.JoinHostPort(cfg.Host, strconv.Itoa(int(cfg.Port)))
}
