// Restoring an automatic backup, from Settings, the damaged-diary banner
// and the start screen alike: always after the person confirms.
import { api, type Backup, type Status } from './api'
import { t, notify, fail, ui, ask } from './state.svelte'
import type { MessageKey } from './i18n'
import { englishLocale, formatDateTime } from './dates'

export function backupDate(b: Backup): string {
  return formatDateTime(b.Time, ui.lang, englishLocale(ui.systemLocale))
}

export function backupSize(b: Backup): string {
  return b.Size >= 1e6 ? `${(b.Size / 1e6).toFixed(1)} MB` : `${Math.max(1, Math.round(b.Size / 1e3))} KB`
}

const reasonKeys: Record<Backup['Reason'], MessageKey> = {
  daily: 'backupDaily',
  import: 'backupImport',
  restore: 'backupRestore',
  migration: 'backupMigration',
  damaged: 'backupDamaged',
  manual: 'backupManual',
  first: 'backupFirst',
}

export function backupReason(b: Backup): string {
  return t(reasonKeys[b.Reason] ?? 'backupDaily')
}

/** restoreBackup asks, then restores; it returns the new status, or null. */
export async function restoreBackup(b: Backup): Promise<Status | null> {
  const date = backupDate(b)
  if (!(await ask(t('confirmRestoreBackup', { date }), t('restoreBackup')))) return null
  try {
    const status = await api.settings.restoreBackup(b.Name)
    notify(t('backupRestored', { date }))
    ui.refresh++
    return status
  } catch (e) {
    fail(e)
    return null
  }
}

/** latestRestorable is the newest backup that is not damaged data. */
export async function latestRestorable(): Promise<Backup | null> {
  const list = await api.settings.backups()
  return list.find((b) => b.Reason !== 'damaged') ?? null
}

/**
 * recoverDiary asks, then rebuilds the diary from what the damaged
 * database still holds merged with the latest backup; it returns the new
 * status, or null.
 */
export async function recoverDiary(): Promise<Status | null> {
  if (!(await ask(t('confirmRecover'), t('recoverDiary')))) return null
  try {
    const r = await api.settings.recover('')
    notify(t('recovered', { damaged: String(r.FromDamaged), backup: String(r.FromBackup) }))
    if (r.Unreadable > 0) notify(t('recoveredUnreadable', { count: String(r.Unreadable) }), 'error')
    ui.refresh++
    return r.Status
  } catch (e) {
    fail(e)
    return null
  }
}
