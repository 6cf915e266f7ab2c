// Links in notes never navigate the app window. A web or mail link opens in
// the system browser (the core checks it again); anything else — script,
// file, data links, however disguised — does nothing.

const openable = new Set(['http:', 'https:', 'mailto:'])

/**
 * openableLink returns the link to hand to the browser for an <a>'s href
 * attribute, or null. The browser's own URL parser reads it, so the forms
 * that fool a pattern (java&#9;script:, JaVaScRiPt:, a leading space) are
 * read the way the webview would have followed them.
 */
export function openableLink(href: string | null | undefined): string | null {
  if (!href) return null
  let url: URL
  try {
    url = new URL(href) // no base: a relative link is not a web link
  } catch {
    return null
  }
  if (!openable.has(url.protocol)) return null
  if (url.protocol !== 'mailto:' && !url.hostname) return null
  return url.href
}

/** copyText puts text on the clipboard, through Wails where there is one. */
export async function copyText(text: string): Promise<boolean> {
  const rt = (window as { runtime?: { ClipboardSetText?: (t: string) => Promise<boolean> } }).runtime
  try {
    if (rt?.ClipboardSetText) return await rt.ClipboardSetText(text)
    await navigator.clipboard.writeText(text)
    return true
  } catch {
    return false
  }
}
