// Keys typed just before Ctrl+Q can still be on their way to the page:
// WebKit hands key events to it one at a time, while the quit reaches it at
// once. Waiting until typing has been quiet a moment lets them land (and
// be saved) first.
let lastKey = -Infinity

if (typeof window !== 'undefined') {
  window.addEventListener('keydown', () => (lastKey = performance.now()), true)
}

/** typingSettled resolves once no key has come for quiet ms, or after most ms. */
export async function typingSettled(quiet = 150, most = 1000): Promise<void> {
  const start = performance.now()
  while (performance.now() - lastKey < quiet && performance.now() - start < most) {
    await new Promise((r) => setTimeout(r, 20))
  }
}
