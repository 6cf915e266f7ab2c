//go:build !linux

package main

import (
	"context"

	"github.com/tsuzuri/tsuzuri/app/desktop"

	"github.com/wailsapp/wails/v2/pkg/menu"
	"github.com/wailsapp/wails/v2/pkg/runtime"
)

// relabelMenu replaces the menu bar with m (Windows and macOS rebuild it).
func relabelMenu(ctx context.Context, m *menu.Menu) {
	runtime.MenuSetApplicationMenu(ctx, m)
	runtime.MenuUpdateApplicationMenu(ctx)
}

// localiseDialogs: Windows and macOS label their dialogs in the system's language.
func localiseDialogs(desktop.NativeText) {}

// darkChrome: Windows and macOS follow the system's theme.
func darkChrome(bool) {}
