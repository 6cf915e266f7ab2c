/**
 * isComposing reports whether a key event belongs to an IME composition:
 * while someone converts かな to 漢字, Enter confirms the conversion and
 * Escape cancels it — neither may submit, close or trigger a shortcut.
 * keyCode 229 covers WebKit, which ends composition before the keydown.
 */
export function isComposing(e: KeyboardEvent): boolean {
  return e.isComposing || e.keyCode === 229
}
