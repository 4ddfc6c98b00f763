import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/app';
import { ErrorState } from './components/view-states';
import { configProblem } from './config/config';
import './app/app.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>{configProblem ? <ErrorState message={configProblem} /> : <App />}</StrictMode>,
);
