package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"sync"
	"time"
)

// profileChunk is how long each CPU profile fetched from the worker and the gateway lasts; the chunks of
// one process are read together (`go tool pprof -top bin/worker worker-*.pprof` merges them).
const profileChunk = 5 * time.Second

// profiler records CPU profiles of the loadtest itself and of the processes serving /debug/pprof (the
// worker and the gateway, started with SKILLCERT_PPROF_ADDR) while the lifecycles run (-cpuprofile).
type profiler struct {
	dir     string
	targets map[string]string // process name → pprof address
}

// newProfiler returns nil when dir is "" (profiling off); otherwise it picks a loopback port per process
// and returns the environment entry each one must be started with.
func newProfiler(dir string, names ...string) (*profiler, map[string]string, error) {
	if dir == "" {
		return nil, nil, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, nil, fmt.Errorf("-cpuprofile: %w", err)
	}
	p := &profiler{dir: dir, targets: map[string]string{}}
	env := map[string]string{}
	for _, name := range names {
		port, err := freePort()
		if err != nil {
			return nil, nil, err
		}
		p.targets[name] = "127.0.0.1:" + strconv.Itoa(port)
		env[name] = "SKILLCERT_PPROF_ADDR=" + p.targets[name]
	}
	return p, env, nil
}

// start begins profiling; the returned function stops it and waits for the last chunks.
func (p *profiler) start(ctx context.Context) (stop func()) {
	if p == nil {
		return func() {}
	}
	self, err := os.Create(filepath.Join(p.dir, "loadtest.pprof"))
	if err == nil {
		if err = pprof.StartCPUProfile(self); err != nil {
			self.Close()
			self = nil
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for name, addr := range p.targets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ctx.Err() == nil; i++ {
				file := filepath.Join(p.dir, fmt.Sprintf("%s-%03d.pprof", name, i))
				if err := fetchProfile(addr, file); err != nil {
					fmt.Printf("  profile of %s: %v\n", name, err)
					return
				}
			}
		}()
	}
	return func() {
		cancel()
		wg.Wait() // the chunk under way is finished, not cut off
		if self != nil {
			pprof.StopCPUProfile()
			self.Close()
		}
		fmt.Printf("  CPU profiles in %s (go tool pprof -top <bin> <name>-*.pprof)\n", p.dir)
	}
}

// fetchProfile writes one CPU profile of profileChunk from the pprof server at addr into file.
func fetchProfile(addr, file string) error {
	c := &http.Client{Timeout: profileChunk + 30*time.Second}
	res, err := c.Get(fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", addr, int(profileChunk/time.Second)))
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", res.StatusCode)
	}
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, res.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// appendSet appends kv to env unless kv is "".
func appendSet(env []string, kv string) []string {
	if kv == "" {
		return env
	}
	return append(env, kv)
}
