// Command bridge serves the built UI with the real Go core behind it, for
// end-to-end tests in a browser: it exposes the same desktop structs the
// app binds, over HTTP, and defines window.go and window.runtime the way
// Wails does. Native dialogs cannot run here; tests say what they would
// have picked with POST /__test/next-pick.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"

	"github.com/tsuzuri/tsuzuri/app"
	"github.com/tsuzuri/tsuzuri/app/desktop"
	"github.com/tsuzuri/tsuzuri/e2e/bridge/server"
)

func main() {
	data := flag.String("data", "", "data folder (required)")
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on")
	dist := flag.String("dist", "frontend/dist", "the built frontend")
	flag.Parse()
	if *data == "" {
		fmt.Fprintln(os.Stderr, "bridge: --data is required")
		os.Exit(2)
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	prefs := desktop.LoadPrefs(filepath.Join(*data, "..", filepath.Base(*data)+"-settings.json"))
	_ = prefs.Update(func(v *desktop.PrefValues) { v.DataDir = *data })
	srv := server.New(*dist, *data)
	backend := desktop.NewBackend(ctx, log, srv, srv, prefs, app.Open)
	backend.Open()
	defer backend.Close()
	srv.Bind(append(backend.Bind(), &server.Canary{}))

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bridge:", err)
		os.Exit(1)
	}
	// The test runner reads this line to learn the port.
	fmt.Printf("listening on http://%s\n", ln.Addr())
	hs := &http.Server{Handler: desktop.SecurityHeaders(srv)}
	go func() {
		<-ctx.Done()
		hs.Close()
	}()
	if err := hs.Serve(ln); err != nil && err != http.ErrServerClosed {
		fmt.Fprintln(os.Stderr, "bridge:", err)
		os.Exit(1)
	}
}
