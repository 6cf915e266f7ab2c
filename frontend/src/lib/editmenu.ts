// The 編集 menu of Linux and Windows: its items have no accelerator (the
// keys reach the page by themselves), so a click runs the command on what
// has the focus, as the key would.

export type EditCommand = 'undo' | 'redo' | 'cut' | 'copy' | 'paste' | 'selectAll'

export async function runEditCommand(cmd: EditCommand): Promise<void> {
  if (document.execCommand(cmd)) return
  // WebKitGTK refuses a script's paste; the clipboard API may not.
  if (cmd === 'paste' && navigator.clipboard?.readText) {
    const text = await navigator.clipboard.readText().catch(() => '')
    if (text) document.execCommand('insertText', false, text)
  }
}
