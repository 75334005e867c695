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
  },
});
