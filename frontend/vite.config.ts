import { defineConfig } from 'vitest/config'
import { svelte } from '@sveltejs/vite-plugin-svelte'

// The dev server's hot reload talks over a local WebSocket, which the
// shipped policy forbids; only `vite` / `wails dev` get this exception.
const devConnect = {
  name: 'tsuzuri-dev-connect',
  apply: 'serve' as const,
  transformIndexHtml: (html: string) => html.replace("connect-src 'self'", "connect-src 'self' ws://localhost:* ws://127.0.0.1:* http://localhost:*"),
}

export default defineConfig({
  plugins: [svelte(), devConnect],
  build: {
    outDir: 'dist',
    // dist/.gitkeep is committed so the Go build can embed an empty folder.
    emptyOutDir: false,
    chunkSizeWarningLimit: 1500,
  },
  test: {
    environment: 'happy-dom',
    include: ['src/**/*.test.ts'],
    // The contrast test reads the stylesheet (as ?raw).
    css: { include: [/style\.css/] },
  },
  resolve: process.env.VITEST ? { conditions: ['browser'] } : undefined,
})
