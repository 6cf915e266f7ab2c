package version

import (
	"encoding/json"
	"os"
	"regexp"
	"runtime/debug"
	"testing"
)

func TestStampedNumberWins(t *testing.T) {
	defer func(old string) { Number = old }(Number)
	Number = "1.2.3"
	if got := String(); got != "1.2.3" {
		t.Fatalf("String() = %q, want the stamped 1.2.3", got)
	}
}

func TestUnstampedBuildSaysWhatItWasBuiltFrom(t *testing.T) {
	commit := []debug.BuildSetting{{Key: "vcs.revision", Value: "063509a1b2c3d4e5f60718293a4b5c6d7e8f9012"}}
	dirty := append([]debug.BuildSetting{{Key: "vcs.modified", Value: "true"}}, commit...)
	tests := []struct {
		name string
		info *debug.BuildInfo
		want string
	}{
		{"no build info", nil, "devel"},
		{"go install from a tag", &debug.BuildInfo{Main: debug.Module{Version: "v0.1.0"}}, "0.1.0"},
		{"go install from a pre-release tag", &debug.BuildInfo{Main: debug.Module{Version: "v0.2.0-rc.1"}}, "0.2.0-rc.1"},
		{"go build in a clean checkout", &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261125152055-063509a1b2c3"}, Settings: commit}, "devel (063509a1b2c3)"},
		{"go build with local changes", &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261125152055-063509a1b2c3+dirty"}, Settings: dirty}, "devel (063509a1b2c3, modified)"},
		{"go build outside git", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "devel"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fromBuildInfo(tt.info); got != tt.want {
				t.Fatalf("fromBuildInfo = %q, want %q", got, tt.want)
			}
		})
	}
}

// The Makefile stamps wails.json's productVersion into every build and the
// Debian package takes it as its Version, which must start with a digit.
func TestWailsJSONHasAReleaseNumber(t *testing.T) {
	raw, err := os.ReadFile("../wails.json")
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Info struct {
			ProductVersion string `json:"productVersion"`
		} `json:"info"`
	}
	if err := json.Unmarshal(raw, &cfg); err != nil {
		t.Fatalf("wails.json: %v", err)
	}
	if !regexp.MustCompile(`^\d+\.\d+\.\d+$`).MatchString(cfg.Info.ProductVersion) {
		t.Fatalf("wails.json info.productVersion = %q, want MAJOR.MINOR.PATCH", cfg.Info.ProductVersion)
	}
}
