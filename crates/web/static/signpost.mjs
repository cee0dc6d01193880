// Starts the NHS.UK frontend's components. Kept in a file, not inline, so the
// Content-Security-Policy needs no 'unsafe-inline'. Pages work without it.
import { initAll } from './nhsuk-frontend.min.js';

document.body.classList.add('js-enabled', 'nhsuk-frontend-supported');
initAll();

// Search filters: folded on a phone so the results come first, open on a wider
// screen; a change applies at once, so the form's own button is not needed.
const filters = document.querySelector('details.signpost-filters');
if (filters && window.matchMedia('(min-width: 641px)').matches) {
  filters.open = true;
}
for (const form of document.querySelectorAll('form[data-apply-on-change]')) {
  form.querySelector('button[type=submit]')?.setAttribute('hidden', '');
  form.addEventListener('change', () => form.requestSubmit());
}
