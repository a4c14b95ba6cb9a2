import { defineConfig } from 'vite';

export default defineConfig({
  // Relative asset URLs, so the built app also works from a sub-path or a file server.
  base: './',
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    // plotly.js alone is ~4.7 MB minified; it is loaded lazily by the first figure.
    chunkSizeWarningLimit: 6000,
    rolldownOptions: {
      checks: {
        // Build diagnostics, not problems: timing reports, and notebook-cells' import() of packages the app also imports statically.
        bundlerTimings: false,
        ineffectiveDynamicImport: false,
      },
    },
  },
  // If 5173 is taken, the next free port is used, and printed.
  preview: { host: '127.0.0.1', port: 5173 },
  server: { host: '127.0.0.1', port: 5173 },
});
