package app

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/tsuzuri/tsuzuri/diary"
	"github.com/tsuzuri/tsuzuri/render"
)

// Tsuzuri contacts a server in exactly two cases, both asked for by the
// user: "Load images" on one entry, and an import with FetchImages. Either
// way the images are copied into the data folder and the note is pointed at
// the copies, so the webview's policy stays closed (images from the app
// only) and the note reads offline from then on.

// RemoteImagesResult is what copying an entry's remote images did.
type RemoteImagesResult struct {
	Entry  diary.Entry
	Copied int
	Failed []RemoteImageProblem
	// LocalHosts are the hosts refused because they are on the user's own
	// network; asked again with them allowed, they are fetched.
	LocalHosts []string
}

// RemoteImageProblem is a remote image that could not be copied; the note
// keeps its address and still shows a placeholder for it.
type RemoteImageProblem struct {
	URL     string
	Message string
	// LocalHost is set when the image was refused because its host is on
	// the user's own network.
	LocalHost string `json:",omitempty"`
}

const imageFetchTimeout = 30 * time.Second

// imageClient fetches only over http(s), follows at most five redirects,
// which must stay on http(s), and sends no cookies or referrer (it has none).
// It connects only to public addresses (see localDial), and not through a
// proxy, which would hide where the connection goes.
var imageClient = &http.Client{
	Timeout: imageFetchTimeout,
	Transport: &http.Transport{
		DialContext:           localDial,
		ForceAttemptHTTP2:     true,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: imageFetchTimeout,
		MaxIdleConns:          8,
		IdleConnTimeout:       30 * time.Second,
	},
	CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if len(via) >= 5 {
			return errors.New("too many redirects")
		}
		if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
			return fmt.Errorf("redirected to a %s: address", req.URL.Scheme)
		}
		return nil
	},
}

// CopyRemoteImages copies the remote images entry id shows into the data
// folder and saves the entry pointing at the copies. Images that fail stay
// as they were and are reported. Hosts on the user's own network (their
// router, a printer, this computer) are contacted only if named in
// allowHosts, which the person confirmed; the others are reported in
// LocalHosts for them to decide.
func (s *Service) CopyRemoteImages(ctx context.Context, id string, allowHosts []string) (RemoteImagesResult, error) {
	e, err := s.store.Get(ctx, id)
	if err != nil {
		return RemoteImagesResult{}, err
	}
	ctx = WithAllowedHosts(ctx, allowHosts)
	body, copied, failed := s.copyRemoteImages(ctx, e.Body)
	res := RemoteImagesResult{Entry: e, Copied: copied, Failed: failed, LocalHosts: localHostsOf(failed)}
	if copied == 0 {
		return res, ctx.Err()
	}
	e.Body = body
	saved, err := s.store.Save(ctx, e)
	if err != nil {
		return res, fmt.Errorf("save entry %s with its images: %w", id, err)
	}
	s.afterWrite(ctx)
	res.Entry = saved
	return res, nil
}

// copyRemoteImages fetches every remote image of body into the attachments
// and returns body pointing at the copies.
func (s *Service) copyRemoteImages(ctx context.Context, body string) (string, int, []RemoteImageProblem) {
	copied := 0
	var failed []RemoteImageProblem
	for _, u := range render.RemoteImageSources(body) {
		if ctx.Err() != nil {
			failed = append(failed, RemoteImageProblem{URL: u, Message: "cancelled"})
			continue
		}
		ref, err := s.fetchImage(ctx, u)
		if err != nil {
			p := RemoteImageProblem{URL: u, Message: diary.ErrorMessage(err)}
			var local *localAddressError
			if errors.As(err, &local) {
				p.LocalHost, p.Message = local.Host, local.Error()
			}
			failed = append(failed, p)
			continue
		}
		next, ok := render.ReplaceImageSource(body, u, ref)
		if !ok {
			failed = append(failed, RemoteImageProblem{URL: u, Message: "the note writes this address in a form Tsuzuri cannot rewrite"})
			continue
		}
		body = next
		copied++
	}
	return body, copied, failed
}

// imageTypes are the image types fetched, by the extension they are stored
// under.
var imageTypes = map[string]string{
	"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "image/webp": ".webp", "image/svg+xml": ".svg",
}

// fetchImage downloads one image into the attachments and returns its
// reference. Only an answer that is an image (by its declared type, and by
// its first bytes unless it is SVG, which has no signature) is kept.
func (s *Service) fetchImage(ctx context.Context, raw string) (string, error) {
	if strings.HasPrefix(raw, "//") {
		raw = "https:" + raw
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", diary.Errorf(diary.EInvalid, "%s is not a web address.", raw)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return "", diary.Errorf(diary.EInvalid, "%s is not a web address.", raw)
	}
	req.Header.Set("Accept", "image/png,image/jpeg,image/gif,image/webp,image/svg+xml")
	resp, err := imageClient.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		var local *localAddressError
		if errors.As(err, &local) {
			return "", local
		}
		return "", diary.Errorf(diary.EInvalid, "could not download it: %v", errors.Unwrap(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", diary.Errorf(diary.EInvalid, "the server answered %s", resp.Status)
	}
	declared, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	br := bufio.NewReaderSize(resp.Body, 512)
	head, _ := br.Peek(512)
	sniffed, _, _ := mime.ParseMediaType(http.DetectContentType(head))
	ext, ok := imageTypes[declared]
	switch {
	case ok && declared == "image/svg+xml":
	case ok && sniffed != declared && imageTypes[sniffed] != "":
		ext = imageTypes[sniffed] // a mislabelled image is still an image
	case ok && sniffed == declared:
	case !ok && imageTypes[sniffed] != "" && sniffed != "image/svg+xml":
		ext = imageTypes[sniffed]
	default:
		return "", diary.Errorf(diary.EInvalid, "it is not an image (%s)", firstNonEmpty(sniffed, declared))
	}
	return s.attach.Put(br, "image"+ext)
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return "unknown type"
}

// A note from elsewhere must not make the app probe the user's own
// network: its images are fetched from public addresses only, unless the
// person allowed the host. The check is on the address actually dialled,
// after the name is resolved (and for every redirect), so a public name
// that resolves to 192.168.0.1 is refused as that address would be.

type allowedHostsKey struct{}

// WithAllowedHosts returns ctx allowing image fetches from hosts (names or
// addresses as the note writes them) on the user's own network.
func WithAllowedHosts(ctx context.Context, hosts []string) context.Context {
	if len(hosts) == 0 {
		return ctx
	}
	allowed := map[string]bool{}
	for _, h := range hosts {
		allowed[normalHost(h)] = true
	}
	return context.WithValue(ctx, allowedHostsKey{}, allowed)
}

func normalHost(h string) string {
	return strings.ToLower(strings.TrimSuffix(strings.Trim(h, "[]"), "."))
}

// localAddressError is a fetch refused because the host's address is on
// the user's own network.
type localAddressError struct {
	Host string
	Addr netip.Addr
}

func (e *localAddressError) Error() string {
	return fmt.Sprintf("%s is on your own network (%s); it is loaded only if you allow that host", e.Host, e.Addr)
}

var sharedAddressSpace = netip.MustParsePrefix("100.64.0.0/10")

// publicAddr reports whether a is an address on the internet at large.
func publicAddr(a netip.Addr) bool {
	a = a.Unmap()
	return a.IsValid() && !a.IsLoopback() && !a.IsPrivate() && !a.IsLinkLocalUnicast() && !a.IsLinkLocalMulticast() &&
		!a.IsInterfaceLocalMulticast() && !a.IsMulticast() && !a.IsUnspecified() && !sharedAddressSpace.Contains(a)
}

func localDial(ctx context.Context, network, addr string) (net.Conn, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	allowed, _ := ctx.Value(allowedHostsKey{}).(map[string]bool)
	d := net.Dialer{Timeout: 10 * time.Second, Control: func(_, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return fmt.Errorf("dial %s: %w", address, err)
		}
		if !publicAddr(ap.Addr()) && !allowed[normalHost(host)] {
			return &localAddressError{Host: host, Addr: ap.Addr().Unmap()}
		}
		return nil
	}}
	return d.DialContext(ctx, network, addr)
}

// localHostsOf lists, once each, the hosts refused for being local.
func localHostsOf(failed []RemoteImageProblem) []string {
	var hosts []string
	for _, f := range failed {
		if f.LocalHost != "" && !slices.Contains(hosts, f.LocalHost) {
			hosts = append(hosts, f.LocalHost)
		}
	}
	return hosts
}
