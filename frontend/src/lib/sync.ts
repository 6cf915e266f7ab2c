// What the window does with sync's news, kept apart from the components so
// it can be tested without a window.
import type { Entry, SyncDevice } from './api'
import type { SaveState } from './autosave'

/** Base is the entry as the open editor last loaded or saved it (what is
 *  typed since is the autosaver's draft). */
export interface Base { title: string; body: string; date: string; tags: string[]; conflicts: number }

/**
 * RemoteAction is what the open editor does when a sync pass changed its
 * entry: nothing (it already shows that text), take the new text, or, when
 * the person has typed something not yet saved, keep their text and say
 * that another computer changed the entry; a trashed entry says so too.
 */
export type RemoteAction = 'none' | 'badge' | 'replace' | 'notice' | 'trashed'

export function remoteAction(saveState: SaveState, base: Base, now: Entry): RemoteAction {
  if (now.deletedAt) return 'trashed'
  const sameText =
    base.title === now.title &&
    base.body === now.body &&
    base.date === now.date &&
    base.tags.join('\n') === (now.tags ?? []).join('\n')
  // An entry can fall into conflict with its current text unchanged: only
  // the badge changes, whatever is being typed.
  if (sameText) return base.conflicts === (now.conflicts ?? 0) ? 'none' : 'badge'
  // Typed text waiting for its save, or being saved, is never replaced.
  if (saveState === 'dirty' || saveState === 'saving' || saveState === 'error') return 'notice'
  return 'replace'
}

/** deviceName is what a computer is called here. */
export function deviceName(d: SyncDevice): string {
  return d.alias || d.host || d.id
}

/** everSynced is false for the zero time the core gives for "never". */
export function everSynced(iso: string): boolean {
  return iso !== '' && !iso.startsWith('0001-')
}

/**
 * looksLikeCloudDrive says whether a folder seems to be inside a cloud
 * drive's folder (Dropbox, iCloud Drive, OneDrive, Google Drive,
 * Nextcloud…), where encryption is offered by default: those services can
 * read what they store.
 */
export function looksLikeCloudDrive(path: string): boolean {
  const parts = path.replaceAll('\\', '/').toLowerCase().split('/')
  return parts.some((p, i) =>
    p === 'dropbox' || p.startsWith('dropbox (') ||
    p === 'mobile documents' || p === 'icloud drive' || p === 'iclouddrive' ||
    p.startsWith('onedrive') ||
    p === 'google drive' || p === 'googledrive' || p === 'my drive' || p === 'マイドライブ' ||
    p === 'nextcloud' || p === 'owncloud' ||
    (p === 'cloudstorage' && parts[i - 1] === 'library'))
}

export type Strength = 'weak' | 'fair' | 'strong'

/**
 * passphraseStrength is a rough hint, not a measure: the bits a guesser
 * would need if each character were drawn at random from the kinds used,
 * with repeated characters counting less.
 */
export function passphraseStrength(p: string): Strength {
  const chars = [...p]
  let pool = 0
  if (/[a-z]/.test(p)) pool += 26
  if (/[A-Z]/.test(p)) pool += 26
  if (/[0-9]/.test(p)) pool += 10
  if (/[ -/:-@[-`{-~]/.test(p)) pool += 33
  if (/[\u3040-\u30ff]/.test(p)) pool += 90 // kana
  if (/[\u4e00-\u9fff]/.test(p)) pool += 500 // kanji, the everyday ones
  if (/[^\u0000-\u007f\u3040-\u30ff\u4e00-\u9fff]/.test(p)) pool += 100
  if (pool === 0) return 'weak'
  const bits = Math.min(chars.length, 2 * new Set(chars).size) * Math.log2(pool)
  return bits < 50 ? 'weak' : bits < 70 ? 'fair' : 'strong'
}
