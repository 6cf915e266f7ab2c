// Command tsuzuri is the command-line face of Tsuzuri: import, export,
// search, reindex and back up a data folder, for scripts, benchmarks and
// tests. It calls the same app.Service as the desktop app.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sort"
	"strings"

	"github.com/tsuzuri/tsuzuri/app"
	"github.com/tsuzuri/tsuzuri/diary"
	"github.com/tsuzuri/tsuzuri/version"
)

// command is one subcommand: its usage line and what it does with its
// arguments. Each lives in its own file with its own flag set.
type command struct {
	usage string
	run   func(ctx context.Context, env *env, args []string) error
}

var commands = map[string]command{}

// env is what every subcommand gets: where the data lives and where to write.
type env struct {
	dataDir string
	stdin   io.Reader
	stdout  io.Writer
	stderr  io.Writer
}

// dataFolder is the folder --data names, or the default one, for the
// subcommands that work on its files without opening the diary.
func (e *env) dataFolder() (string, error) {
	if e.dataDir != "" {
		return e.dataDir, nil
	}
	return app.DefaultDataDir()
}

// open opens the data folder for a subcommand that needs it.
func (e *env) open(ctx context.Context) (*app.Service, error) {
	logger := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	return app.Open(ctx, app.Options{DataDir: e.dataDir, Logger: logger, OnBackup: e.backedUp})
}

// backedUp tells of an automatic backup (before an import or an upgrade);
// on standard error, so that output meant for scripts stays clean.
func (e *env) backedUp(b app.BackupInfo) {
	fmt.Fprintf(e.stderr, "backed up the diary to %s (%s)\n", b.Path, b.Reason)
}

// usageError is a mistake in the command line: exit code 2 and the usage.
type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

func main() {
	app.LimitMemory()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	global := flag.NewFlagSet("tsuzuri", flag.ContinueOnError)
	global.SetOutput(io.Discard)
	dataDir := global.String("data", "", "data folder (default: $TSUZURI_DATA or the OS's app data folder)")
	showVersion := global.Bool("version", false, "print the version and exit")
	global.Usage = func() { printUsage(stderr, global) }
	if err := global.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printUsage(stdout, global)
			return 0
		}
		fmt.Fprintf(stderr, "tsuzuri: %v\n", err)
		printUsage(stderr, global)
		return 2
	}
	rest := global.Args()
	if *showVersion {
		fmt.Fprintf(stdout, "tsuzuri %s\n", version.String())
		return 0
	}
	if len(rest) == 0 {
		printUsage(stderr, global)
		return 2
	}
	name := rest[0]
	if name == "help" {
		printUsage(stdout, global)
		return 0
	}
	cmd, ok := commands[name]
	if !ok {
		fmt.Fprintf(stderr, "tsuzuri: unknown command %q\n", name)
		printUsage(stderr, global)
		return 2
	}
	e := &env{dataDir: *dataDir, stdin: stdin, stdout: stdout, stderr: stderr}
	err := cmd.run(ctx, e, rest[1:])
	var uerr usageError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &uerr):
		fmt.Fprintf(stderr, "tsuzuri %s: %s\nusage: tsuzuri [--data DIR] %s\n", name, uerr.msg, cmd.usage)
		return 2
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(stderr, "tsuzuri: interrupted")
		return 130
	default:
		fmt.Fprintf(stderr, "tsuzuri: %s\n", oneLine(errorText(err)))
		return 1
	}
}

// errorText shows a person the message meant for them; for an unexpected
// error the wrapped chain says where it happened, which is what a bug report
// needs.
func errorText(err error) string {
	var de *diary.Error
	if errors.As(err, &de) {
		return de.Message
	}
	return err.Error()
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func printUsage(w io.Writer, global *flag.FlagSet) {
	fmt.Fprintln(w, "Tsuzuri — a local-first diary with Japanese full-text search.")
	fmt.Fprintln(w, "\nusage: tsuzuri [--data DIR] COMMAND [ARGS]\n\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %s\n", commands[n].usage)
	}
	fmt.Fprintln(w, "\nglobal flags:")
	global.SetOutput(w)
	global.PrintDefaults()
	fmt.Fprintln(w, "\nRun 'tsuzuri COMMAND -h' for a command's flags.")
}

// flagSet is a subcommand's flags. Parse reports a bad flag as a usage
// error (one line, the usage, exit 2) and -h as help on standard output.
type flagSet struct {
	*flag.FlagSet
	e     *env
	usage string
}

func newFlags(name string, e *env, usage string) *flagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return &flagSet{FlagSet: fs, e: e, usage: usage}
}

// ParseIDFirst parses args whose first word may be an id before the flags,
// as the usage of history and related writes it, and returns the words
// that are not flags: the id first.
func (fs *flagSet) ParseIDFirst(args []string) ([]string, error) {
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() == 0 {
		return nil, nil
	}
	id := fs.Arg(0)
	if err := fs.Parse(fs.Args()[1:]); err != nil {
		return nil, err
	}
	return append([]string{id}, fs.Args()...), nil
}

func (fs *flagSet) Parse(args []string) error {
	err := fs.FlagSet.Parse(args)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprintf(fs.e.stdout, "usage: tsuzuri [--data DIR] %s\n", fs.usage)
		fs.SetOutput(fs.e.stdout)
		fs.PrintDefaults()
		return err
	default:
		return usageError{err.Error()}
	}
}

// isTerminal reports whether w is a terminal, where progress lines belong.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
