package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"golang.org/x/term"

	"github.com/tsuzuri/tsuzuri/app"
	"github.com/tsuzuri/tsuzuri/syncfolder"
)

const syncUsage = "sync [--folder DIR [--encrypt]] [--watch] [--resend] [--json] | sync status [--json] | sync unlock | sync passphrase"

// Scripts give passphrases in these; a person types them at the terminal.
const (
	passphraseEnv    = "TSUZURI_PASSPHRASE"
	newPassphraseEnv = "TSUZURI_NEW_PASSPHRASE"
)

const lostPassphraseWarning = "If the passphrase is lost, nobody can recover it, and the encrypted sync folder cannot be opened on a new computer."

func init() {
	commands["sync"] = command{usage: syncUsage, run: runSync}
}

func runSync(ctx context.Context, e *env, args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "status":
			return runSyncStatus(ctx, e, args[1:])
		case "unlock":
			return runSyncUnlock(ctx, e, args[1:])
		case "passphrase":
			return runSyncPassphrase(ctx, e, args[1:])
		}
	}
	fs := newFlags("sync", e, syncUsage)
	folder := fs.String("folder", "", "the folder another engine replicates (turns sync on, or moves it)")
	watch := fs.Bool("watch", false, "keep syncing as files arrive and entries change, until interrupted")
	asJSON := fs.Bool("json", false, "print each pass as a JSON object")
	resend := fs.Bool("resend", false, "first queue again this computer's current texts that the folder lost (see verify)")
	encrypt := fs.Bool("encrypt", false, "with --folder: encrypt a new sync folder with a passphrase ("+passphraseEnv+", or asked at the terminal)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usageError{"sync takes no arguments besides status, unlock and passphrase"}
	}
	if *encrypt && *folder == "" {
		return usageError{"--encrypt goes with --folder"}
	}
	svc, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer svc.Close()
	if *folder != "" {
		setup := app.SyncSetup{Folder: *folder, Encrypt: *encrypt}
		joining, err := syncfolder.Encrypted(*folder)
		if err != nil {
			return err
		}
		if joining || *encrypt {
			if setup.Passphrase, err = e.passphrase("Passphrase of the sync folder: ", !joining); err != nil {
				return err
			}
		}
		if _, err := svc.EnableSyncWith(ctx, setup); err != nil {
			return err
		}
	}
	if *resend {
		n, err := svc.Resend(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "queued %d texts to send again\n", n)
	}
	report := func(rep app.SyncReport) error {
		if *asJSON {
			return json.NewEncoder(e.stdout).Encode(rep)
		}
		fmt.Fprintf(e.stdout, "sent %d, received %d, changed %d, conflicts %d", rep.Sent, rep.Received, len(rep.Changed), len(rep.Conflicts))
		if rep.Waiting > 0 {
			fmt.Fprintf(e.stdout, ", waiting for %d attachments", rep.Waiting)
		}
		fmt.Fprintln(e.stdout)
		for _, s := range rep.Skipped {
			fmt.Fprintf(e.stderr, "skipped %s (%s): %s\n", s.Path, s.Kind, s.Reason)
		}
		for _, p := range rep.Problems {
			fmt.Fprintf(e.stderr, "not applied: %s\n", p)
		}
		if st, err := svc.SyncStatus(ctx); err == nil && st.PassphraseChanged {
			fmt.Fprintln(e.stderr, "the sync folder's passphrase was changed on another computer; this one keeps syncing. Enter the new one with: tsuzuri sync unlock")
		}
		return nil
	}
	if !*watch {
		rep, err := svc.SyncNow(ctx)
		if err != nil {
			return err
		}
		return report(rep)
	}
	err = svc.WatchSync(ctx, func(rep app.SyncReport, err error) {
		if err != nil {
			fmt.Fprintf(e.stderr, "tsuzuri sync: %s (tried again on the next change)\n", oneLine(errorText(err)))
			return
		}
		report(rep)
	})
	if err != nil {
		return err
	}
	return ctx.Err()
}

func runSyncStatus(ctx context.Context, e *env, args []string) error {
	fs := newFlags("sync status", e, syncUsage)
	asJSON := fs.Bool("json", false, "print a JSON object")
	if err := fs.Parse(args); err != nil {
		return err
	}
	svc, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer svc.Close()
	st, err := svc.SyncStatus(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(st)
	}
	if !st.Enabled {
		fmt.Fprintln(e.stdout, "sync is off (turn it on with: tsuzuri sync --folder DIR)")
		return nil
	}
	when := func(t time.Time) string {
		if t.IsZero() {
			return "never"
		}
		return t.Local().Format("2006-01-02 15:04:05")
	}
	encrypted := "no"
	if st.Encrypted {
		encrypted = "yes"
		if st.PassphraseChanged {
			encrypted += " (the passphrase was changed on another computer: tsuzuri sync unlock)"
		}
	}
	fmt.Fprintf(e.stdout, "folder         %s\nencrypted      %s\nthis device    %s (%s)\nlast sent      %s\nlast received  %s\nwaiting        %d versions to send\nconflicts      %d\n",
		st.Folder, encrypted, st.Device, st.Host, when(st.LastSent), when(st.LastReceived), st.Unsent, len(st.Conflicts))
	for _, d := range st.Devices {
		name := d.Host
		if d.Alias != "" {
			name = d.Alias
		}
		fmt.Fprintf(e.stdout, "device         %s  %s  last seen %s", d.ID, name, when(d.LastSeen))
		if d.ClockAhead > 0 {
			fmt.Fprintf(e.stdout, "  (its clock ran %s ahead; bounded)", time.Duration(d.ClockAhead)*time.Millisecond)
		}
		fmt.Fprintln(e.stdout)
	}
	return nil
}

func runSyncUnlock(ctx context.Context, e *env, args []string) error {
	fs := newFlags("sync unlock", e, syncUsage)
	if err := fs.Parse(args); err != nil {
		return err
	}
	pass, err := e.passphrase("Passphrase of the sync folder: ", false)
	if err != nil {
		return err
	}
	svc, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer svc.Close()
	if _, err := svc.UnlockSync(ctx, pass); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, "the sync folder's passphrase is known here again")
	return nil
}

func runSyncPassphrase(ctx context.Context, e *env, args []string) error {
	fs := newFlags("sync passphrase", e, syncUsage)
	if err := fs.Parse(args); err != nil {
		return err
	}
	current, err := e.passphrase("Current passphrase: ", false)
	if err != nil {
		return err
	}
	next := os.Getenv(newPassphraseEnv)
	if next == "" {
		if next, err = e.askPassphrase("New passphrase: ", true); err != nil {
			return fmt.Errorf("%w (or set %s)", err, newPassphraseEnv)
		}
	}
	svc, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer svc.Close()
	if _, err := svc.ChangeSyncPassphrase(ctx, current, next); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, "passphrase changed; the other computers keep syncing and ask for the new one once")
	return nil
}

// passphrase reads a passphrase from TSUZURI_PASSPHRASE, or else from the
// terminal, twice when it is a new one.
func (e *env) passphrase(prompt string, isNew bool) (string, error) {
	if p := os.Getenv(passphraseEnv); p != "" {
		return p, nil
	}
	p, err := e.askPassphrase(prompt, isNew)
	if err != nil {
		return "", fmt.Errorf("%w (or set %s)", err, passphraseEnv)
	}
	return p, nil
}

// askPassphrase reads a passphrase at the terminal without echoing it.
func (e *env) askPassphrase(prompt string, isNew bool) (string, error) {
	f, ok := e.stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return "", errors.New("a passphrase is needed and there is no terminal to ask it at")
	}
	if isNew {
		fmt.Fprintln(e.stderr, lostPassphraseWarning)
	}
	read := func(prompt string) (string, error) {
		fmt.Fprint(e.stderr, prompt)
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(e.stderr)
		if err != nil {
			return "", fmt.Errorf("read the passphrase: %w", err)
		}
		return string(b), nil
	}
	p, err := read(prompt)
	if err != nil || !isNew {
		return p, err
	}
	if p == "" {
		return "", errors.New("an empty passphrase protects nothing")
	}
	again, err := read("Again, to be sure: ")
	if err != nil {
		return "", err
	}
	if again != p {
		return "", errors.New("the two passphrases differ; nothing was changed")
	}
	return p, nil
}
