package prodstack

import (
	"context"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
)

// pgCluster is the Postgres cluster of the profile.
type pgCluster struct {
	dir      string
	uid, gid int // OS user running it (Postgres refuses root); 0 when this process is not root
}

// pgConf is appended to postgresql.conf once. Commits are durable (synchronous_commit stays on).
const pgConf = `
# skillcert production profile
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
max_connections = 300
timezone = 'Asia/Shanghai'
`

// pgOSUser picks the OS user owning the cluster when running as root: postgres, else skillcert-pg (created
// by deploy/dev/stack.sh or here).
func pgOSUser(ctx context.Context) (int, int, error) {
	if os.Geteuid() != 0 {
		return 0, 0, nil
	}
	for _, name := range []string{"postgres", "skillcert-pg"} {
		if u, err := user.Lookup(name); err == nil {
			uid, _ := strconv.Atoi(u.Uid)
			gid, _ := strconv.Atoi(u.Gid)
			return uid, gid, nil
		}
	}
	if out, err := runQuiet(ctx, "", "useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent",
		"--shell", "/usr/sbin/nologin", "skillcert-pg"); err != nil {
		return 0, 0, fmt.Errorf("create OS user skillcert-pg: %w: %s", err, out)
	}
	return pgOSUser(ctx)
}

// startPostgres initialises the cluster on first use, starts the postmaster as a child and creates the
// databases: skillcert, temporal and temporal_visibility.
func (s *Stack) startPostgres(ctx context.Context) error {
	uid, gid, err := pgOSUser(ctx)
	if err != nil {
		return err
	}
	s.pg = pgCluster{dir: filepath.Join(s.Dir, "pg"), uid: uid, gid: gid}
	if _, err := os.Stat(filepath.Join(s.pg.dir, "PG_VERSION")); err != nil {
		if err := s.initdb(ctx); err != nil {
			return err
		}
	}
	addr := fmt.Sprintf("postgres://postgres@127.0.0.1:%d/", s.ports.pg)
	s.DatabaseURL = addr + "skillcert?sslmode=disable"
	spec := procSpec{name: "postgres", path: filepath.Join(s.tools.pgBin, "postgres"),
		args: []string{"-D", s.pg.dir, "-p", strconv.Itoa(s.ports.pg)}, uid: uid, gid: gid, dir: s.pg.dir,
		env: []string{"LANG=C", "PATH=/usr/bin:/bin"},
		ready: func(ctx context.Context) error {
			c, err := pgx.Connect(ctx, addr+"postgres?sslmode=disable")
			if err != nil {
				return err
			}
			return c.Close(ctx)
		}}
	if err := s.run(ctx, spec); err != nil {
		return err
	}
	conn, err := pgx.Connect(ctx, addr+"postgres?sslmode=disable")
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	for _, db := range []string{"skillcert", "temporal", "temporal_visibility"} {
		var n int
		if err := conn.QueryRow(ctx, "SELECT count(*) FROM pg_database WHERE datname = $1", db).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{db}.Sanitize()); err != nil {
				return fmt.Errorf("create database %s: %w", db, err)
			}
		}
	}
	return nil
}

// initdb creates the cluster, owned by the Postgres OS user.
func (s *Stack) initdb(ctx context.Context) error {
	_ = os.RemoveAll(s.pg.dir)
	if err := os.MkdirAll(s.pg.dir, 0o700); err != nil {
		return err
	}
	if s.pg.uid > 0 {
		if err := os.Chown(s.pg.dir, s.pg.uid, s.pg.gid); err != nil {
			return err
		}
	}
	spec := procSpec{name: "initdb", path: filepath.Join(s.tools.pgBin, "initdb"),
		args: []string{"-D", s.pg.dir, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-locale"},
		uid:  s.pg.uid, gid: s.pg.gid, dir: s.pg.dir, env: []string{"LANG=C", "PATH=/usr/bin:/bin"}}
	p, err := s.launch(spec)
	if err != nil {
		return err
	}
	select {
	case <-p.done:
	case <-ctx.Done():
		_ = p.cmd.Process.Kill()
		<-p.done
		return ctx.Err()
	}
	_ = os.Remove(s.pidFile("initdb"))
	if p.err != nil {
		return fmt.Errorf("initdb: %v\n%s", p.err, s.logTail("initdb", 1500))
	}
	conf := filepath.Join(s.pg.dir, "postgresql.conf")
	b, err := os.ReadFile(conf)
	if err != nil {
		return err
	}
	if !strings.Contains(string(b), "# skillcert production profile") {
		return os.WriteFile(conf, append(b, pgConf...), 0o600)
	}
	return nil
}
