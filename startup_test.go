package main

import (
	"reflect"
	"testing"
	"time"
)

// The log line bench-start reads: every mark in ms after main, whatever
// the page could report.
func TestStartupSplit(t *testing.T) {
	launched := time.UnixMilli(1_000_000)
	window := launched.Add(150 * time.Millisecond)
	tests := []struct {
		name   string
		data   []any
		screen string
		want   []any // after since_launch, which depends on the clock
	}{
		{"every mark", []any{map[string]any{"screen": "timeline", "page": 1_000_900.0, "script": 1_001_100.0,
			"firstPage": 1_001_500.0, "firstPaint": 1_001_400.0, "fonts": 1_001_600.0, "shown": 1_001_650.0}}, "timeline",
			[]any{"main_unix_ms", int64(1_000_000), "window_ms", int64(150), "opened_ms", int64(200),
				"page_ms", int64(900), "script_ms", int64(1100), "first_page_ms", int64(1500),
				"first_paint_ms", int64(1400), "fonts_ms", int64(1600), "shown_ms", int64(1650)}},
		{"an engine without paint timing", []any{map[string]any{"screen": "welcome", "page": 1_000_900.0, "script": 1_001_000.0, "shown": 1_001_200.0}}, "welcome",
			[]any{"main_unix_ms", int64(1_000_000), "window_ms", int64(150), "opened_ms", int64(200),
				"page_ms", int64(900), "script_ms", int64(1000), "shown_ms", int64(1200)}},
		{"an older UI sends the screen alone", []any{"timeline"}, "timeline",
			[]any{"main_unix_ms", int64(1_000_000), "window_ms", int64(150), "opened_ms", int64(200)}},
	}
	for _, tt := range tests {
		got := startupSplit(launched, window, 1_000_200, tt.data)
		if len(got) < 4 || got[0] != "screen" || got[2] != "since_launch" {
			t.Fatalf("%s: %v", tt.name, got)
		}
		if got[1] != tt.screen {
			t.Errorf("%s: screen = %v, want %s", tt.name, got[1], tt.screen)
		}
		if !reflect.DeepEqual(got[4:], tt.want) {
			t.Errorf("%s:\n got %v\nwant %v", tt.name, got[4:], tt.want)
		}
	}
}
