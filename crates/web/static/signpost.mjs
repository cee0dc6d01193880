// Starts the NHS.UK frontend's components. Kept in a file, not inline, so the
// Content-Security-Policy needs no 'unsafe-inline'. Pages work without it.
import { initAll } from './nhsuk-frontend.min.js';

document.body.classList.add('js-enabled', 'nhsuk-frontend-supported');
initAll();
