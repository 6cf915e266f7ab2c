package main

import (
	"fmt"
	"time"
)

// startupSplit is what the "first screen shown" log line says: how long
// after main the first screen was drawn, and where that time went, each
// mark in milliseconds since main (the page's marks: frontend's startup.ts).
// main_unix_ms lets bench-start add the time from exec to main.
func startupSplit(launched, windowAt time.Time, openedAt int64, data []any) []any {
	since := func(unixMS int64) int64 { return unixMS - launched.UnixMilli() }
	attrs := []any{"since_launch", time.Since(launched).Round(time.Millisecond), "main_unix_ms", launched.UnixMilli(),
		"window_ms", windowAt.Sub(launched).Milliseconds()}
	if openedAt > 0 {
		attrs = append(attrs, "opened_ms", since(openedAt))
	}
	marks, _ := firstOr(data).(map[string]any)
	if marks == nil {
		return append([]any{"screen", fmt.Sprint(data...)}, attrs...)
	}
	attrs = append([]any{"screen", fmt.Sprint(marks["screen"])}, attrs...)
	for _, m := range []struct{ key, name string }{
		{"page", "page_ms"}, {"script", "script_ms"}, {"mounted", "mounted_ms"}, {"firstPage", "first_page_ms"},
		{"firstPaint", "first_paint_ms"}, {"fonts", "fonts_ms"}, {"shown", "shown_ms"},
	} {
		if v, ok := marks[m.key].(float64); ok {
			attrs = append(attrs, m.name, since(int64(v)))
		}
	}
	return attrs
}

func firstOr(data []any) any {
	if len(data) == 0 {
		return nil
	}
	return data[0]
}
