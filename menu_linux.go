//go:build linux

package main

/*
#cgo pkg-config: gtk+-3.0
#include <gtk/gtk.h>
#include <stdlib.h>
#include <string.h>

// Wails v2 on Linux builds a new GtkMenuBar on MenuSetApplicationMenu but
// never puts it in the window, so a menu cannot be replaced after startup.
// The items stay where they are: relabel them instead, in the order Wails
// created them (submenus of the bar, then their items, separators
// included as empty labels). Runs on the GTK main thread.

static GtkWidget *find_menubar(GtkWidget *w) {
	if (GTK_IS_MENU_BAR(w)) return w;
	if (!GTK_IS_CONTAINER(w)) return NULL;
	GList *kids = gtk_container_get_children(GTK_CONTAINER(w));
	GtkWidget *found = NULL;
	for (GList *k = kids; k && !found; k = k->next) found = find_menubar(GTK_WIDGET(k->data));
	g_list_free(kids);
	return found;
}

static const char *next_label(char **cursor) {
	char *start = *cursor;
	if (start == NULL) return NULL;
	char *sep = strchr(start, '\x1f');
	if (sep) { *sep = 0; *cursor = sep + 1; } else { *cursor = NULL; }
	return start;
}

static void relabel_shell(GtkWidget *shell, char **cursor) {
	GList *kids = gtk_container_get_children(GTK_CONTAINER(shell));
	for (GList *k = kids; k; k = k->next) {
		GtkWidget *item = GTK_WIDGET(k->data);
		const char *label = next_label(cursor);
		if (label == NULL) break;
		if (GTK_IS_SEPARATOR_MENU_ITEM(item) || !GTK_IS_MENU_ITEM(item)) continue;
		if (*label) gtk_menu_item_set_label(GTK_MENU_ITEM(item), label);
		GtkWidget *sub = gtk_menu_item_get_submenu(GTK_MENU_ITEM(item));
		if (sub) relabel_shell(sub, cursor);
	}
	g_list_free(kids);
}

static gboolean relabel_idle(gpointer data) {
	char *labels = data;
	char *cursor = labels;
	GList *tops = gtk_window_list_toplevels();
	GtkWidget *bar = NULL;
	for (GList *t = tops; t && !bar; t = t->next) bar = find_menubar(GTK_WIDGET(t->data));
	g_list_free(tops);
	if (bar) relabel_shell(bar, &cursor);
	free(labels);
	return G_SOURCE_REMOVE;
}

static void relabel(char *labels) { g_idle_add(relabel_idle, labels); }
*/
import "C"

import (
	"context"
	"strings"

	"github.com/wailsapp/wails/v2/pkg/menu"
)

// relabelMenu gives the menu bar on screen the labels of m, which must have
// the same shape as the menu the window was started with.
func relabelMenu(_ context.Context, m *menu.Menu) {
	C.relabel(C.CString(strings.Join(gtkOrder(m), "\x1f")))
}

// gtkOrder lists m's labels in the order Wails' GTK menu holds its
// widgets: each submenu of the bar (role menus are skipped on Linux), then
// its visible items depth first.
func gtkOrder(m *menu.Menu) []string {
	var out []string
	var items func([]*menu.MenuItem)
	items = func(list []*menu.MenuItem) {
		for _, it := range list {
			if it.Hidden {
				continue
			}
			out = append(out, it.Label)
			if it.SubMenu != nil {
				items(it.SubMenu.Items)
			}
		}
	}
	for _, top := range m.Items {
		if top.SubMenu != nil {
			out = append(out, top.Label)
			items(top.SubMenu.Items)
		}
	}
	return out
}
