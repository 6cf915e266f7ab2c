package desktop

import (
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
)

func TestIndexHTMLCarriesThePolicy(t *testing.T) {
	raw, err := os.ReadFile("../../frontend/index.html")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`http-equiv="Content-Security-Policy" content="([^"]*)"`).FindSubmatch(raw)
	if m == nil {
		t.Fatal("frontend/index.html has no Content-Security-Policy meta tag")
	}
	if string(m[1]) != ContentSecurityPolicy {
		t.Errorf("index.html's policy\n  %s\ndiffers from desktop.ContentSecurityPolicy\n  %s", m[1], ContentSecurityPolicy)
	}
}

func TestPolicyAllowsNoNetwork(t *testing.T) {
	directives := map[string]string{}
	for _, d := range strings.Split(ContentSecurityPolicy, ";") {
		name, value, _ := strings.Cut(strings.TrimSpace(d), " ")
		directives[name] = value
	}
	want := map[string]string{
		"default-src": "'none'", "img-src": "'self' data: blob:", "connect-src": "'self'", "font-src": "'self'",
		"media-src": "'none'", "object-src": "'none'", "frame-src": "'none'", "base-uri": "'none'",
		"form-action": "'none'", "script-src": "'self'",
	}
	for name, value := range want {
		if directives[name] != value {
			t.Errorf("%s is %q, want %q", name, directives[name], value)
		}
	}
	for name, value := range directives {
		for _, remote := range []string{"http:", "https:", "ws:", "wss:", "*", "'unsafe-eval'"} {
			if strings.Contains(value, remote) {
				t.Errorf("%s allows %s", name, remote)
			}
		}
	}
}

func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	h := SecurityHeaders(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) }))
	for _, path := range []string{"/", "/index.html", "/attachments/x.png", "/nothing"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		csp := rec.Header().Get("Content-Security-Policy")
		if !strings.HasPrefix(csp, ContentSecurityPolicy) || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s: Content-Security-Policy %q", path, csp)
		}
		if rec.Header().Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: no nosniff", path)
		}
	}
}
