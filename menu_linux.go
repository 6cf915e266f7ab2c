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

// Wails creates its file dialogs with the literal labels "_Cancel",
// "_Open" and "_Save", which GTK does not translate (they are the
// caller's strings). A hook on every widget's "map" gives a file chooser
// the app's labels just before it is drawn.
static char *dialog_labels[3]; // cancel, open, save

static gboolean on_map(GSignalInvocationHint *hint, guint n, const GValue *params, gpointer data) {
	GObject *obj = g_value_get_object(&params[0]);
	if (!GTK_IS_FILE_CHOOSER_DIALOG(obj)) return TRUE;
	GtkDialog *dialog = GTK_DIALOG(obj);
	GtkWidget *cancel = gtk_dialog_get_widget_for_response(dialog, GTK_RESPONSE_CANCEL);
	GtkWidget *accept = gtk_dialog_get_widget_for_response(dialog, GTK_RESPONSE_ACCEPT);
	gboolean saving = gtk_file_chooser_get_action(GTK_FILE_CHOOSER(obj)) == GTK_FILE_CHOOSER_ACTION_SAVE;
	if (GTK_IS_BUTTON(cancel) && dialog_labels[0]) gtk_button_set_label(GTK_BUTTON(cancel), dialog_labels[0]);
	if (GTK_IS_BUTTON(accept) && dialog_labels[saving ? 2 : 1]) gtk_button_set_label(GTK_BUTTON(accept), dialog_labels[saving ? 2 : 1]);
	return TRUE; // stay connected
}

static gboolean hook_idle(gpointer data) {
	g_signal_add_emission_hook(g_signal_lookup("map", GTK_TYPE_WIDGET), 0, on_map, NULL, NULL);
	return G_SOURCE_REMOVE;
}

static void hook_dialogs(void) { g_idle_add(hook_idle, NULL); }

struct labels3 { char *l[3]; };

static gboolean set_labels_idle(gpointer data) {
	struct labels3 *n = data;
	for (int i = 0; i < 3; i++) { free(dialog_labels[i]); dialog_labels[i] = n->l[i]; }
	free(n);
	return G_SOURCE_REMOVE;
}

static void set_dialog_labels(char *cancel, char *open, char *save) {
	struct labels3 *n = malloc(sizeof *n);
	n->l[0] = cancel; n->l[1] = open; n->l[2] = save;
	g_idle_add(set_labels_idle, n);
}

// The menu bar is GTK's own widget: it is dark only when GTK's theme is.
static gboolean dark_idle(gpointer data) {
	GtkSettings *settings = gtk_settings_get_default();
	if (settings) g_object_set(settings, "gtk-application-prefer-dark-theme", GPOINTER_TO_INT(data), NULL);
	return G_SOURCE_REMOVE;
}

static void set_dark(int dark) { g_idle_add(dark_idle, GINT_TO_POINTER(dark)); }
*/
import "C"

import (
	"context"
	"strings"
	"sync"

	"github.com/tsuzuri/tsuzuri/app/desktop"
	"github.com/wailsapp/wails/v2/pkg/menu"
)

// relabelMenu gives the menu bar on screen the labels of m, which must have
// the same shape as the menu the window was started with.
func relabelMenu(_ context.Context, m *menu.Menu) {
	C.relabel(C.CString(strings.Join(gtkOrder(m), "\x1f")))
}

// localiseDialogs has the file dialogs' buttons say t's words; the first
// call installs the hook that relabels each dialog as it opens.
func localiseDialogs(t desktop.NativeText) {
	dialogHook.Do(func() { C.hook_dialogs() })
	C.set_dialog_labels(C.CString(t.DialogCancel), C.CString(t.DialogOpen), C.CString(t.DialogSave))
}

var dialogHook sync.Once

// darkChrome has GTK draw the menu bar (and its dialogs) dark or light.
func darkChrome(dark bool) {
	d := 0
	if dark {
		d = 1
	}
	C.set_dark(C.int(d))
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
