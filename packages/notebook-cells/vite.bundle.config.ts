// The publishable build: one self-contained ES module (lit, CodeMirror, the runtime, the engine worker as
// its own chunk, plotly loaded lazily), so a plain page or Observable (`import "npm:@wengert/notebook-cells"`)
// can use the elements without a bundler. The workspace itself consumes src/ directly.
import { defineConfig } from 'vite';

export default defineConfig({
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    lib: { entry: 'src/index.ts', formats: ['es'], fileName: 'index' },
    // plotly is one 6.5 MB chunk, loaded only when a figure is drawn.
    chunkSizeWarningLimit: 7000,
    reportCompressedSize: false,
  },
  worker: { format: 'es' },
});
