package uitest

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"skillcert/internal/devstack"
)

// Viewports of the screenshots: a phone first, then a desktop.
var (
	phone   = viewport{"phone", 375, 812}
	desktop = viewport{"desktop", 1280, 900}
)

type viewport struct {
	name          string
	width, height int64
}

func chromiumPath() string {
	if p := os.Getenv("SKILLCERT_CHROMIUM"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}

// browser is one headless Chromium with a fresh profile (its own cookies), at a viewport size.
type browser struct {
	t    *testing.T
	ctx  context.Context
	base string
	vp   viewport
}

// newBrowser starts Chromium for the test; it is closed when the test ends.
func newBrowser(t *testing.T, st *stack, vp viewport) *browser {
	t.Helper()
	profile := t.TempDir()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath()), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(profile),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("lang", "zh-CN"), chromedp.WindowSize(int(vp.width), int(vp.height)),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 15*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancel(); cancelAlloc() })
	b := &browser{t: t, ctx: ctx, base: st.baseURL, vp: vp}
	// The first call starts the browser and must use the browser's own context (a cancelled child
	// context would close it).
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(vp.width, vp.height)); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return b
}

// stepTimeout bounds one call of do: a page that never shows what a step waits for fails the test.
const stepTimeout = 60 * time.Second

// do runs browser steps, failing the test on error.
func (b *browser) do(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.shot("failure")
		b.t.Fatalf("browser: %v (at %s)", err, b.location())
	}
}

// open navigates to a path of the site and waits for the page's heading.
func (b *browser) open(path string) {
	b.t.Helper()
	b.do(chromedp.Navigate(b.base+path), chromedp.WaitVisible(chromedp.CSS("h1")))
}

func (b *browser) location() string {
	loc, _ := chromedp.Run(b.ctx, chromedp.Location())
	return loc
}

// text returns the visible text of the first element matching sel.
func (b *browser) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.shot("failure")
		b.t.Fatalf("text of %s: %v (at %s)", sel, err, b.location())
	}
	return s
}

// waitText waits until the element's text contains want.
func (b *browser) waitText(sel, want string) {
	b.t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	var last string
	for time.Now().Before(deadline) {
		s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
		if err == nil && strings.Contains(s, want) {
			return
		}
		last = s
		time.Sleep(200 * time.Millisecond)
	}
	b.shot("failure")
	b.t.Fatalf("%s never showed %q; last %q (at %s)", sel, want, last, b.location())
}

// fill types into the inputs named by CSS selector.
func (b *browser) fill(fields map[string]string) {
	b.t.Helper()
	for sel, v := range fields {
		b.do(chromedp.SetValue(chromedp.CSS(sel), v))
	}
}

// shot saves full-page screenshots of the page at both sizes, the browser's own and the other one, as
// testout/ui/<test>-<name>-<phone|desktop>.png.
func (b *browser) shot(name string) {
	b.capture(name, b.vp)
	if name == "failure" {
		return
	}
	other := desktop
	if b.vp == desktop {
		other = phone
	}
	if err := chromedp.Do(b.ctx, chromedp.EmulateViewport(other.width, other.height)); err == nil {
		b.capture(name, other)
	}
	_ = chromedp.Do(b.ctx, chromedp.EmulateViewport(b.vp.width, b.vp.height))
}

func (b *browser) capture(name string, vp viewport) {
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Logf("screenshot %s: %v", name, err)
		return
	}
	root, err := devstack.RepoRoot()
	if err != nil {
		return
	}
	dir := filepath.Join(root, "testout", "ui")
	_ = os.MkdirAll(dir, 0o755)
	file := strings.ReplaceAll(b.t.Name(), "/", "_") + "-" + name + "-" + vp.name + ".png"
	if err := os.WriteFile(filepath.Join(dir, file), png, 0o644); err != nil {
		b.t.Logf("screenshot %s: %v", name, err)
	}
}

// waitJS waits until a JavaScript expression is true in the page.
func (b *browser) waitJS(expr string) {
	b.t.Helper()
	deadline := time.Now().Add(stepTimeout)
	for time.Now().Before(deadline) {
		if ok, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](expr)); err == nil && ok {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	b.shot("failure")
	b.t.Fatalf("never true: %s (at %s)", expr, b.location())
}
