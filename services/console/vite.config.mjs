// Builds the console into dist/ for the api to serve at /console (services/api/src/console), and
// runs a dev server that proxies /v1 to an api (CONSOLE_API_URL, default the api's default port).
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/console/',
  // esbuild compiles the JSX (React's automatic runtime): no Babel plugin to keep.
  esbuild: { jsx: 'automatic' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Not published: the api would serve them to anyone with a year's cache; `npm run console:dev` has its own.
    sourcemap: false,
    target: 'es2022',
    rollupOptions: {
      // react-router marks its modules "use client" for server components; a client bundle ignores it.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  server: {
    proxy: { '/v1': process.env.CONSOLE_API_URL ?? 'http://127.0.0.1:8080' },
  },
});
