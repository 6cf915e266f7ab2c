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
