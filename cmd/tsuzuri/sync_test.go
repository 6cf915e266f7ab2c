package main

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestSyncEncryptedFromTheCommandLine(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	folder := filepath.Join(t.TempDir(), "OneDrive", "tsuzuri")
	mustRun(t, a, "", "import", "testdata/notes.jsonl")

	// No passphrase and no terminal: a clear refusal naming the variable.
	t.Setenv(passphraseEnv, "")
	code, _, errOut := tsuzuri(t, a, "", "sync", "--folder", folder, "--encrypt")
	if code != 1 || !strings.Contains(errOut, passphraseEnv) {
		t.Fatalf("--encrypt without a passphrase: exit %d, %s", code, errOut)
	}

	t.Setenv(passphraseEnv, "コマンドの合言葉")
	if out := mustRun(t, a, "", "sync", "--folder", folder, "--encrypt"); !strings.Contains(out, "sent 4") {
		t.Fatalf("A's first pass: %s", out)
	}
	if out := mustRun(t, a, "", "sync", "status"); !strings.Contains(out, "encrypted      yes") {
		t.Fatalf("A's status: %s", out)
	}

	t.Setenv(passphraseEnv, "違う")
	code, _, errOut = tsuzuri(t, b, "", "sync", "--folder", folder)
	if code != 1 || !strings.Contains(errOut, "passphrase") {
		t.Fatalf("joining with a wrong passphrase: exit %d, %s", code, errOut)
	}
	if out := mustRun(t, b, "", "sync", "status"); !strings.Contains(out, "sync is off") {
		t.Fatalf("a refused join changed B: %s", out)
	}
	t.Setenv(passphraseEnv, "コマンドの合言葉")
	if out := mustRun(t, b, "", "sync", "--folder", folder); !strings.Contains(out, "received 4") {
		t.Fatalf("B's join: %s", out)
	}

	t.Setenv(newPassphraseEnv, "新しい合言葉")
	mustRun(t, a, "", "sync", "passphrase")
	code, _, errOut = tsuzuri(t, b, "", "sync")
	if code != 0 || !strings.Contains(errOut, "sync unlock") {
		t.Fatalf("B after the change: exit %d, %s", code, errOut)
	}
	if code, _, _ := tsuzuri(t, b, "", "sync", "unlock"); code != 1 {
		t.Fatal("the old passphrase unlocked the changed key file")
	}
	t.Setenv(passphraseEnv, "新しい合言葉")
	mustRun(t, b, "", "sync", "unlock")
	if code, _, errOut := tsuzuri(t, b, "", "sync"); code != 0 || strings.Contains(errOut, "unlock") {
		t.Fatalf("B still asks after unlocking: exit %d, %s", code, errOut)
	}
}
