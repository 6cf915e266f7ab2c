import { pickLang, translate, type Lang, type MessageKey } from './i18n'
import { api, toApiError } from './api'
import { copyText, openableLink } from './links'

export type View = 'timeline' | 'trash'
export type Dialog = 'none' | 'import' | 'export' | 'settings' | 'help' | 'about' | 'history' | 'conflict'

/** ui is the app-wide state: what is open, in which language. */
export const ui = $state({
  lang: 'ja' as Lang,
  view: 'timeline' as View,
  dialog: 'none' as Dialog,
  openId: '' as string, // the entry in the editor; '' for a new one
  editorKey: 0, // bumped to open a fresh editor
  highlightTerms: [] as string[],
  // The sidebar lists search results while true, else the timeline; the
  // query is kept when タイムライン is pressed, for coming back to it.
  showResults: false,
  searchFocus: 0, // bumped to focus the search box
  refresh: 0, // bumped when entries change, so lists reload
  editorFontSize: 15,
  // The system's language as the core reads it (LANG): WebKitGTK's
  // navigator.language is en-US whatever the system says.
  systemLocale: '',
  // Entries in conflict after the last sync pass, for badges on lists
  // that do not carry it (search results).
  conflicts: [] as string[],
  layout: 'wide' as Layout,
  // Narrow windows: the list is a drawer over the editor, open or not.
  drawer: false,
})

/**
 * Layout is how many columns the window has room for: wide shows the list,
 * the editor and the preview side by side; medium the list and the editor
 * or the preview (a toggle); narrow the editor or the preview, with the
 * list in a drawer.
 */
export type Layout = 'wide' | 'medium' | 'narrow'

// Three columns need the list (280), an editor of some 30 characters a
// line and a preview as wide; two need the list and one of them.
export const wideFrom = 1100
export const mediumFrom = 760

export function layoutFor(width: number): Layout {
  return width >= wideFrom ? 'wide' : width >= mediumFrom ? 'medium' : 'narrow'
}

/**
 * applyLanguage shows the UI in the language setting ('' follows the
 * system) and has the native menu and dialogs follow.
 */
export function applyLanguage(setting: string): void {
  ui.lang = pickLang(setting, ui.systemLocale || navigator.language)
  api.system.setLanguage(ui.lang).catch(() => {}) // the e2e bridge and old cores have no menu
}

export function t(key: MessageKey, params?: Record<string, string | number>): string {
  return translate(ui.lang, key, params)
}

/** Question is what the app's own confirm dialog asks; ask() answers it. */
export interface Question { id: number; message: string; confirmLabel: string; answer: (yes: boolean) => void }
export const questions = $state<Question[]>([])
let nextQuestion = 1

/**
 * ask shows the app's own confirm dialog (never the webview's confirm(),
 * which WebKitGTK titles with the page's address and labels in English)
 * and resolves with the answer.
 */
export function ask(message: string, confirmLabel: string): Promise<boolean> {
  const id = nextQuestion++
  return new Promise((resolve) => {
    questions.push({
      id,
      message,
      confirmLabel,
      answer: (yes) => {
        // By id: the list holds proxies of what was pushed.
        const i = questions.findIndex((x) => x.id === id)
        if (i >= 0) questions.splice(i, 1)
        resolve(yes)
      },
    })
  })
}

/** ToastAction is a button on a toast: Undo after a delete, Copy a link. */
export interface ToastAction { label: string; run: () => void }
export interface Toast { id: number; kind: 'info' | 'error'; text: string; action?: ToastAction }
export const toasts = $state<Toast[]>([])
let nextToast = 1

export function notify(text: string, kind: Toast['kind'] = 'info', action?: ToastAction): void {
  // Several calls failing for one reason (a damaged database) say it once;
  // a toast that offers something (undo) is its own.
  if (!action && toasts.some((x) => x.text === text && x.kind === kind && !x.action)) return
  const id = nextToast++
  toasts.push({ id, kind, text, action })
  // A toast that offers something stays long enough to take it, and
  // every toast goes (the × closes one sooner).
  setTimeout(() => dismiss(id), action ? 10000 : kind === 'error' ? 8000 : 4000)
}

export function dismiss(id: number): void {
  const i = toasts.findIndex((x) => x.id === id)
  if (i >= 0) toasts.splice(i, 1)
}

/**
 * errorText is what a failure says to the user, in the UI's language where
 * the core's message is a generic one (the core words messages in English;
 * those about the user's own input name what was wrong and are shown as
 * they are).
 */
export function errorText(err: { code: string; message: string }): string {
  switch (err.code) {
    case 'internal':
      return t('errorInternal')
    case 'cancelled':
      return t('errorCancelled')
    case 'disk_full':
      return t('errorDiskFull')
    case 'read_only':
      return t('errorReadOnly')
    case 'corrupt':
      return t('errorCorrupt')
    default:
      return err.message || t('errorGeneric')
  }
}

/** fail shows a failure as a human message; details stay in the Go log. */
export function fail(reason: unknown): void {
  notify(errorText(toApiError(reason)), 'error')
}

/**
 * openLink opens a link of a note in the system browser. Links that are
 * not web or mail links say so; when the browser does not start, the
 * toast says that too and offers to copy the link.
 */
export async function openLink(href: string | null): Promise<void> {
  if (!href || href.startsWith('#')) return
  const link = openableLink(href)
  if (!link) {
    notify(t('linkRefused'), 'error')
    return
  }
  try {
    await api.system.openURL(link)
  } catch (reason) {
    if (toApiError(reason).code === 'invalid') {
      notify(t('linkRefused'), 'error')
      return
    }
    notify(t('browserFailed'), 'error', {
      label: t('copyLink'),
      run: async () => {
        if (await copyText(link)) notify(t('linkCopied'))
        else notify(t('copyFailed', { link }), 'error')
      },
    })
  }
}

export function openEntry(id: string, terms: string[] = []): void {
  ui.drawer = false // the entry is what the person wants to see now
  ui.openId = id
  ui.highlightTerms = terms
  ui.editorKey++
}

export function newEntry(): void {
  ui.view = 'timeline'
  openEntry('')
}

export function today(): string {
  const d = new Date()
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}

/** untrash brings an entry back from the trash and opens it (Undo). */
export async function untrash(id: string): Promise<void> {
  try {
    await api.entries.restore(id)
    notify(t('restored'))
    ui.view = 'timeline'
    ui.refresh++
    openEntry(id)
  } catch (e) {
    fail(e)
  }
}
