// The one door to the Go core. In the app, Wails defines window.go.desktop.*
// and window.runtime; the end-to-end bridge defines the same objects over
// HTTP; unit tests install a fake with setBackend.

import { loadEditor } from './editor-loader'
import { markFirstPage, shownMarks } from './startup'

export interface Entry {
  id: string
  title: string
  body: string
  date: string
  tags: string[]
  source?: string
  sourceUrl?: string
  comments?: { author: string; date: string; body: string }[]
  createdAt: string
  updatedAt: string
  deletedAt?: string | null
  /** conflicts counts other computers' texts not chosen between yet (sync). */
  conflicts?: number
}
export interface EntryInput { ID: string; Title: string; Body: string; Date: string; Tags: string[] }
export interface Summary { ID: string; Title: string; Date: string; Tags: string[]; Preview: string; UpdatedAt: string; DeletedAt: string | null; Conflict?: boolean }
export interface ListQuery { Limit: number; Cursor: string; Tag: string; From: string; To: string }
export interface ListPage { Entries: Summary[]; Next: string }
export interface TagCount { Name: string; Count: number }
export interface DayCount { Date: string; Count: number }
export interface Stats { Entries: number; Trashed: number; Tags: number; FirstDate: string; LastDate: string; TextBytes: number; LastSeq: number }
export interface SearchRequest { Query: string; Sort: 'relevance' | 'date'; Limit: number; Offset: number; Facets: boolean }
export interface Facet { Name: string; Count: number }
/** Match says whether a hit has the query as typed or another spelling of it. */
export interface SearchHit { ID: string; Title: string; Date: string; Tags: string[]; Score: number; Snippet: string; TitleHTML: string; Match: 'exact' | 'variant' | 'partial' }
/** Suggestion is the query as the diary writes it, when nothing matched as typed. */
export interface SearchResult { Query: string; Total: number; TookMS: number; Hits: SearchHit[]; Tags: Facet[]; Years: Facet[]; Terms: string[]; Suggestion: string; FacetsFromTop: boolean }
/** RelatedRequest: the entry's id, and its text as being written (both empty: as saved). */
export interface RelatedRequest { ID: string; Title: string; Body: string; Limit: number }
/** RelatedEntry is an entry like the one being written; Shared are the words they share, folded. */
export interface RelatedEntry { ID: string; Title: string; Date: string; Shared: string[]; Score: number }
export interface Problem { File: string; Line: number; Message: string }
export interface ImportRequest { Format: string; Paths: string[]; FetchImages?: boolean; AllowHosts?: string[] }
export interface ImportPreview { Format: string; Entries: Summary[]; Count: number; Problems: Problem[] | null; Warnings: Problem[] | null; RemoteImages: number }
export interface RemoteImagesResult {
  Entry: Entry
  Copied: number
  Failed: { URL: string; Message: string; LocalHost?: string }[] | null
  LocalHosts: string[] | null
}
export interface ImportSummary {
  Imported: number
  Updated: number
  Unchanged: number
  Skipped: number
  Problems: Problem[] | null
  Warnings: Problem[] | null
  Rejects: string[] | null
  LocalHosts: string[] | null
}
/** RevisionInfo is an earlier version of an entry; Number counts up per entry. */
export interface RevisionInfo { Number: number; SavedAt: string; RecordedAt: string; Size: number; Chars: number; Title: string; Date: string; Tags: string[] | null }
export interface Revision extends RevisionInfo { Body: string }
export interface ExportRequest { Format: string; Dest: string; IDs: string[] }
export interface ExportSummary { Entries: number; Path: string }
export interface Settings { Theme: 'system' | 'light' | 'dark'; Language: '' | 'ja' | 'en'; EditorFontSize: number; DataDir: string }
export interface Salvaged { FromDamaged: number; FromBackup: number; Unreadable: number; Report: string; Status: Status }
export interface Status { Ready: boolean; Code: string; Message: string; DataDir: string; Damaged?: string }
export interface Backup { Name: string; Time: string; Size: number; Reason: 'daily' | 'import' | 'restore' | 'migration' | 'damaged' | 'manual' | 'first' }

/** SyncDevice is another computer seen in the sync folder. */
export interface SyncDevice { id: string; host: string; alias: string; lastSeen: string; clockAheadMs: number }
export interface SyncSkip { path: string; kind: string; reason: string }
export interface UiError { code: string; message: string }
/** SyncState is sync on this computer; times are RFC 3339, year 1 when never. */
export interface SyncState {
  enabled: boolean
  folder: string
  device: string
  host: string
  lastSent: string
  lastReceived: string
  unsent: number
  conflicts: string[]
  devices: SyncDevice[]
  skipped: SyncSkip[]
  problems: string[]
  waiting: number
  watching: boolean
  lastError: UiError | null
  encrypted: boolean
  /** another computer changed the folder's passphrase; this one asks for it once */
  passphraseChanged: boolean
}
/** SyncPass is how a pass went ("sync:pass", and "sync:changed" when it changed something). */
export interface SyncPass {
  sent: number
  received: number
  changed: string[]
  /** more entries changed than changed names */
  more: boolean
  conflicts: string[]
  error: UiError | null
}
export interface SyncReport { sent: number; received: number; changed: string[] | null; conflicts: string[] | null }

export type ErrorCode = 'invalid' | 'not_found' | 'conflict' | 'locked' | 'cancelled' | 'internal' | 'disk_full' | 'corrupt' | 'read_only' | 'passphrase'

/** ApiError is a failure the core explained: message is for the user. */
export class ApiError extends Error {
  constructor(readonly code: ErrorCode, message: string) {
    super(message)
    this.name = 'ApiError'
  }
}

/** toApiError reads the JSON {code,message} the core rejects with. */
export function toApiError(reason: unknown): ApiError {
  if (reason instanceof ApiError) return reason
  const text = reason instanceof Error ? reason.message : typeof reason === 'string' ? reason : ''
  try {
    const parsed: unknown = JSON.parse(text)
    if (parsed && typeof parsed === 'object' && 'code' in parsed && 'message' in parsed) {
      const { code, message } = parsed as { code: unknown; message: unknown }
      if (typeof code === 'string' && typeof message === 'string') return new ApiError(code as ErrorCode, message)
    }
  } catch {
    // not JSON: a transport failure, shown generically below
  }
  return new ApiError('internal', text || 'Something went wrong.')
}

type Method = (...args: never[]) => Promise<unknown>
type Backend = Record<string, Record<string, Method>>

interface Runtime {
  EventsOn(name: string, cb: (data: unknown) => void): () => void
  EventsEmit?(name: string, ...data: unknown[]): void
}

declare global {
  interface Window {
    go?: { desktop?: Backend }
    runtime?: Runtime
  }
}

let backend: Backend | null = null
let runtime: Runtime | null = null

/** setBackend replaces the Go side (tests). */
export function setBackend(fake: Backend | null, fakeRuntime: Runtime | null = null): void {
  backend = fake
  runtime = fakeRuntime
}

async function invoke<T>(struct: string, method: string, ...args: unknown[]): Promise<T> {
  const target = backend ?? window.go?.desktop
  const fn = target?.[struct]?.[method] as ((...a: unknown[]) => Promise<T>) | undefined
  if (!fn) throw new ApiError('internal', `The app core is not reachable (${struct}.${method}).`)
  try {
    return await fn(...args)
  } catch (reason) {
    throw toApiError(reason)
  }
}

/** on subscribes to an event from Go and returns the unsubscribe function. */
export function on<T>(name: string, cb: (data: T) => void): () => void {
  const rt = runtime ?? window.runtime
  if (!rt) return () => {}
  return rt.EventsOn(name, (data) => cb(data as T))
}

let firstScreen = false

/**
 * firstScreenDrawn tells Go, once per window, that the first screen (the
 * timeline, the empty diary's welcome, or a start-up error) is on screen:
 * the app logs how long after launch that was, and where the time went
 * (see startup.ts), which bench-start reads.
 */
export function firstScreenDrawn(what: string): void {
  if (firstScreen) return
  firstScreen = true
  requestAnimationFrame(async () => {
    const marks = await shownMarks()
    ;(runtime ?? window.runtime)?.EventsEmit?.('ui:first-screen', { screen: what, ...marks })
    void loadEditor()
  })
}

/** The timeline's first page holds this many entries. */
export const timelinePage = 200

let earlyTimeline: Promise<ListPage> | null = null

/**
 * askTimelineEarly asks for the timeline's first page as the window
 * starts, beside the other start-up calls, rather than after the window
 * has been laid out: the answer comes back while the page is still being
 * drawn. A failure is the caller's to see when it takes the page.
 */
export function askTimelineEarly(): void {
  earlyTimeline = api.entries.list({ Limit: timelinePage })
  earlyTimeline.catch(() => {})
}

/** takeEarlyTimeline hands over the page askTimelineEarly asked for, once. */
export function takeEarlyTimeline(): Promise<ListPage> | null {
  const p = earlyTimeline
  earlyTimeline = null
  return p
}

export const api = {
  entries: {
    save: (e: EntryInput) => invoke<Entry>('Entries', 'Save', e),
    get: (id: string) => invoke<Entry>('Entries', 'Get', id),
    trash: (id: string) => invoke<void>('Entries', 'Trash', id),
    restore: (id: string) => invoke<void>('Entries', 'Restore', id),
    emptyTrash: () => invoke<number>('Entries', 'EmptyTrash'),
    listTrash: () => invoke<Summary[]>('Entries', 'ListTrash'),
    list: (q: Partial<ListQuery>) =>
      invoke<ListPage>('Entries', 'List', { Limit: 100, Cursor: '', Tag: '', From: '', To: '', ...q }).then((page) => {
        markFirstPage()
        return page
      }),
    tags: () => invoke<TagCount[]>('Entries', 'Tags'),
    dayCounts: (from: string, to: string) => invoke<DayCount[]>('Entries', 'DayCounts', from, to),
    onThisDay: (date: string) => invoke<Summary[]>('Entries', 'OnThisDay', date),
    stats: () => invoke<Stats>('Entries', 'Stats'),
    copyRemoteImages: (id: string, allowHosts: string[]) =>
      invoke<RemoteImagesResult>('Entries', 'CopyRemoteImages', id, allowHosts),
    history: (id: string) => invoke<RevisionInfo[]>('Entries', 'History', id),
    revision: (id: string, n: number) => invoke<Revision>('Entries', 'Revision', id, n),
    restoreRevision: (id: string, n: number) => invoke<Entry>('Entries', 'RestoreRevision', id, n),
  },
  finder: {
    search: (r: SearchRequest) => invoke<SearchResult>('Finder', 'Search', r),
    highlights: (text: string, terms: string[]) => invoke<[number, number][]>('Finder', 'Highlights', text, terms),
    related: (r: RelatedRequest) => invoke<RelatedEntry[]>('Finder', 'Related', r),
    synonyms: () => invoke<string>('Finder', 'Synonyms'),
    setSynonyms: (text: string) => invoke<void>('Finder', 'SetSynonyms', text),
  },
  library: {
    pickImportSource: (format: string, folder: boolean) => invoke<string[]>('Library', 'PickImportSource', format, folder),
    previewImport: (r: ImportRequest) => invoke<ImportPreview>('Library', 'PreviewImport', r),
    startImport: (r: ImportRequest) => invoke<string>('Library', 'StartImport', r),
    cancelImport: (job: string) => invoke<void>('Library', 'CancelImport', job),
    pickExportTarget: (format: string) => invoke<string>('Library', 'PickExportTarget', format),
    export: (r: ExportRequest) => invoke<ExportSummary>('Library', 'Export', r),
    backup: () => invoke<string>('Library', 'Backup'),
    reindex: () => invoke<void>('Library', 'Reindex'),
  },
  render: {
    markdown: (md: string) => invoke<string>('Render', 'Markdown', md),
    saveAttachment: (name: string, base64: string) => invoke<string>('Render', 'SaveAttachment', name, base64),
  },
  settings: {
    get: () => invoke<Settings>('Settings', 'Get'),
    save: (s: Settings) => invoke<void>('Settings', 'Save', s),
    openDataFolder: () => invoke<void>('Settings', 'OpenDataFolder'),
    chooseDataFolder: () => invoke<string>('Settings', 'ChooseDataFolder'),
    backups: () => invoke<Backup[]>('Settings', 'Backups'),
    restoreBackup: (name: string) => invoke<Status>('Settings', 'RestoreBackup', name),
    backupNow: () => invoke<Backup>('Settings', 'BackupNow'),
    recover: (backup: string) => invoke<Salvaged>('Settings', 'Recover', backup),
  },
  sync: {
    status: () => invoke<SyncState>('Sync', 'Status'),
    chooseFolder: () => invoke<string>('Sync', 'ChooseFolder'),
    /** encrypt makes a new folder encrypted; an encrypted one is joined with its passphrase */
    enable: (folder: string, encrypt: boolean, passphrase: string) => invoke<SyncState>('Sync', 'Enable', folder, encrypt, passphrase),
    folderEncrypted: (folder: string) => invoke<boolean>('Sync', 'FolderEncrypted', folder),
    unlock: (passphrase: string) => invoke<SyncState>('Sync', 'Unlock', passphrase),
    changePassphrase: (current: string, next: string) => invoke<SyncState>('Sync', 'ChangePassphrase', current, next),
    disable: () => invoke<SyncState>('Sync', 'Disable'),
    syncNow: () => invoke<SyncReport>('Sync', 'SyncNow'),
    renameDevice: (id: string, alias: string) => invoke<void>('Sync', 'RenameDevice', id, alias),
    conflictVersions: (id: string) => invoke<Entry[]>('Sync', 'ConflictVersions', id),
    resolve: (e: EntryInput) => invoke<Entry>('Sync', 'Resolve', e),
  },
  system: {
    status: () => invoke<Status>('System', 'Status'),
    retryOpen: () => invoke<Status>('System', 'RetryOpen'),
    quit: () => invoke<void>('System', 'Quit'),
    openURL: (url: string) => invoke<void>('System', 'OpenURL', url),
    locale: () => invoke<string>('System', 'Locale'),
    setLanguage: (lang: 'ja' | 'en') => invoke<void>('System', 'SetLanguage', lang),
    setDarkTheme: (dark: boolean) => invoke<void>('System', 'SetDarkTheme', dark),
    readyToClose: () => invoke<void>('System', 'ReadyToClose'),
    version: () => invoke<string>('System', 'Version'),
  },
}
