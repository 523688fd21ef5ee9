// Package web is the web application vanthu serve serves: one page and
// its script and styles, embedded in the binary (no CDN, works offline),
// in Vietnamese, on top of the REST API with the session cookie.
package web

import (
	"embed"
	"io/fs"
	"net/http"
)

//go:embed static
var static embed.FS

// Handler serves the application: the page at / and its assets under
// /static/. Everything it shows comes from /api/v1 as the logged-in user.
func Handler() http.Handler {
	sub, _ := fs.Sub(static, "static")
	files := http.FileServer(http.FS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		// Only our own script, styles and images; no framing.
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' blob: data:; style-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
		h.Set("X-Frame-Options", "DENY")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		switch {
		case r.URL.Path == "/" || r.URL.Path == "/index.html":
			h.Set("Cache-Control", "no-cache")
			http.ServeFileFS(w, r, sub, "index.html")
		case len(r.URL.Path) > len("/static/") && r.URL.Path[:len("/static/")] == "/static/":
			h.Set("Cache-Control", "no-cache")
			http.StripPrefix("/static", files).ServeHTTP(w, r)
		default:
			http.NotFound(w, r)
		}
	})
}
