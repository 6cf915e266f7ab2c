package desktop

import "net/http"

// ContentSecurityPolicy is what the webview may load: the app's own files
// and nothing from the network. Images come from the app (attachments),
// data: or blob: URLs only — a remote image in a note is a placeholder
// until the user copies it into the data folder. Notes are sanitised HTML
// (render), and this is the second wall should a vector get past it: no
// inline script, no frames or plugins, no forms, no <base>.
// frontend/index.html carries the same policy in its meta tag (a test
// keeps them equal); the header adds what a meta tag cannot say.
const ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; media-src 'none'; object-src 'none'; " +
	"frame-src 'none'; child-src 'none'; worker-src 'none'; manifest-src 'none'; base-uri 'none'; form-action 'none'"

// SecurityHeaders sets the policy on every response of the app's asset
// server (main.go's middleware, and the end-to-end bridge's).
func SecurityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", ContentSecurityPolicy+"; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		next.ServeHTTP(w, r)
	})
}
