package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"
)

//go:embed static
var staticFS embed.FS

// asset is one static file, served under a name that carries its content hash, so it can be cached for
// a year and a new version is a new URL.
type asset struct {
	name        string // hashed name, e.g. app.3f2a9c1b.js
	contentType string
	plain, gz   []byte
}

// assets maps logical paths (app.js, vendor/htmx-2.0.4/htmx.min.js) to their hashed files.
type assets struct {
	byPath map[string]*asset
	byName map[string]*asset
}

// loadAssets reads and compresses every embedded static file once.
func loadAssets() *assets {
	a := &assets{byPath: map[string]*asset{}, byName: map[string]*asset{}}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.EqualFold(path.Base(p), "LICENSE") {
			return err
		}
		b, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		base := path.Base(p)
		ext := path.Ext(base)
		name := strings.TrimSuffix(base, ext) + "." + hex.EncodeToString(sum[:6]) + ext
		var gz bytes.Buffer
		w, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
		_, _ = w.Write(b)
		_ = w.Close()
		as := &asset{name: name, contentType: mime.TypeByExtension(ext), plain: b, gz: gz.Bytes()}
		a.byPath[strings.TrimPrefix(p, "static/")] = as
		a.byName[name] = as
		return nil
	})
	if err != nil {
		panic("web: embedded assets: " + err.Error())
	}
	return a
}

// URL returns the URL of a static file by its logical path.
func (a *assets) URL(logical string) string {
	if as, ok := a.byPath[logical]; ok {
		return "/static/" + as.name
	}
	return "/static/missing-" + logical
}

// serveAsset answers a hashed asset, gzip-compressed when the browser accepts it, cacheable for a year.
func (u *ui) serveAsset(c *fiber.Ctx) error {
	as, ok := u.assets.byName[c.Params("name")]
	if !ok {
		return c.SendStatus(http.StatusNotFound)
	}
	c.Set(fiber.HeaderContentType, as.contentType)
	c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	c.Set(fiber.HeaderVary, fiber.HeaderAcceptEncoding)
	if strings.Contains(c.Get(fiber.HeaderAcceptEncoding), "gzip") {
		c.Set(fiber.HeaderContentEncoding, "gzip")
		return c.Send(as.gz)
	}
	return c.Send(as.plain)
}
