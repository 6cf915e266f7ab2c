// Package version is Tsuzuri's release number, as the CLI's --version and
// the app's About dialog show it.
//
// The number has one home: info.productVersion in wails.json, because Wails
// already writes that into the Windows file properties, the installer and
// the macOS Info.plist. Release builds (make build, make dist) stamp it in:
//
//	-ldflags "-X github.com/tsuzuri/tsuzuri/version.Number=0.1.0"
//
// A plain `go build` carries no stamp. It then says what Go recorded about
// the build instead: the module version when installed from a tag
// (`go install …@v0.1.0`), else "devel" and the commit it was built from, so
// a bug report still says which code it is about.
package version

import (
	"regexp"
	"runtime/debug"
	"strings"
)

// Number is set at link time; empty in an unstamped build.
var Number string

// String is the version to show a person.
func String() string {
	if Number != "" {
		return Number
	}
	info, _ := debug.ReadBuildInfo()
	return fromBuildInfo(info)
}

// pseudoVersion matches Go's untagged-commit versions, such as
// v0.0.0-20261125152055-063509a1b2c3: they name no release.
var pseudoVersion = regexp.MustCompile(`\d{14}-[0-9a-f]{12}`)

func fromBuildInfo(info *debug.BuildInfo) string {
	if info == nil {
		return "devel"
	}
	if v := info.Main.Version; v != "" && v != "(devel)" && !pseudoVersion.MatchString(v) && !strings.Contains(v, "+dirty") {
		return strings.TrimPrefix(v, "v")
	}
	var revision string
	var modified bool
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			revision = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if revision == "" {
		return "devel"
	}
	if len(revision) > 12 {
		revision = revision[:12]
	}
	if modified {
		revision += ", modified"
	}
	return "devel (" + revision + ")"
}
