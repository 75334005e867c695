// Entry of the terminal web application (DESIGN.md §10): mounts the app into #root.

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.js';
// The terminal carries its own Japanese font (Noto Sans JP, OFL), split by Unicode range so a page loads only what it uses.
import '@fontsource/noto-sans-jp/400.css';
import '@fontsource/noto-sans-jp/700.css';
import './styles.css';

const root = document.getElementById('root');
if (root === null) throw new Error('The page has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
