import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.tsx';
import { initialLanguage, LanguageProvider, prepareLanguage } from './i18n/language-context.tsx';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('Missing #root element');
// The first screen is drawn in its language: a pack that fails to load leaves the console in English.
prepareLanguage(initialLanguage())
  .catch(() => undefined)
  .finally(() =>
    createRoot(root).render(
      <StrictMode>
        <LanguageProvider>
          <App />
        </LanguageProvider>
      </StrictMode>,
    ),
  );
