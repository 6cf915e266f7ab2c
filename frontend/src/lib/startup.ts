// Where a window's start-up time goes, as the page sees it. The app logs
// these beside its own marks when the first screen is drawn, and
// `make bench-start` prints the split. Times are wall-clock milliseconds
// (epoch), so Go can set them against the moment the process started.

export interface StartupMarks {
  /** the page began loading (WebKit has started and asked for index.html) */
  page: number
  /** the UI's code began to run */
  script: number
  /** the UI's first render was done (before any answer from the core) */
  mounted?: number
  /** the core answered the first timeline page */
  firstPage?: number
  /** the first paint with content, where the engine reports it */
  firstPaint?: number
  /** the fonts the first screen uses were loaded */
  fonts?: number
  /** the first screen was on screen */
  shown?: number
}

const marks: StartupMarks = {
  page: performance.timeOrigin,
  script: performance.timeOrigin + performance.now(),
}

/** markMounted notes when the UI's first render was done. */
export function markMounted(): void {
  marks.mounted ??= Date.now()
}

/** markFirstPage notes when the first timeline page arrived (once). */
export function markFirstPage(): void {
  marks.firstPage ??= Date.now()
}

/**
 * shownMarks completes the marks once the first screen is on screen; it
 * waits for the fonts (never longer than a second: a font that never
 * loads must not hold back the report).
 */
export async function shownMarks(): Promise<StartupMarks> {
  marks.shown = Date.now()
  const fonts = document.fonts?.ready
  if (fonts) {
    await Promise.race([fonts.then(() => (marks.fonts = Date.now())), new Promise((r) => setTimeout(r, 1000))])
  }
  const paint = performance.getEntriesByType?.('paint').find((p) => p.name === 'first-contentful-paint')
  if (paint) marks.firstPaint = performance.timeOrigin + paint.startTime
  return { ...marks }
}
