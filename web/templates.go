package web

import (
	"embed"
	"html/template"
	"io/fs"
	"path"
	"strings"
)

//go:embed all:templates
var templateFS embed.FS

// templates maps a page name (its file name without .html) to the layout and partials parsed with it.
var templates = parseTemplates()

func parseTemplates() map[string]*template.Template {
	addOptionFuncs(funcs)
	base := template.Must(template.New("base").Funcs(funcs).ParseFS(templateFS, "templates/_*.html"))
	out := map[string]*template.Template{}
	files, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		panic(err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if strings.HasPrefix(name, "_") {
			continue
		}
		out[name] = template.Must(template.Must(base.Clone()).ParseFS(templateFS, f))
	}
	return out
}
