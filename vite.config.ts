// Builds the terminal web application (src/web/client) into dist/web/client, which every node's terminal port serves.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'src/web/client',
  base: '/',
  plugins: [react()],
  build: {
    outDir: '../../../dist/web/client',
    emptyOutDir: true,
    sourcemap: true,
    rollupOptions: {
      // The holiday table (@holiday-jp/holiday_jp, CommonJS) is read only by functions the screens never call; without
      // this, its module would count as having side effects and stay in the bundle.
      treeshake: { moduleSideEffects: (id: string) => !id.includes('/@holiday-jp/holiday_jp/') },
      // React in its own file: it changes less often than the screens, so a browser keeps it across our releases.
      output: {
        manualChunks: (id: string) =>
          /\/node_modules\/(react|react-dom|scheduler)\//.test(id) ? 'react' : undefined,
      },
    },
  },
});
