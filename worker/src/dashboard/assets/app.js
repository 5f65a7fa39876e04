// Handoff dashboard: progressive enhancement only. Every page works without this file.
(() => {
  'use strict';

  // "Copy link" buttons are hidden until there is a script to make them work.
  for (const button of document.querySelectorAll('button[data-copy]')) {
    button.hidden = false;
    button.addEventListener('click', async () => {
      const label = button.dataset.label || button.textContent;
      button.dataset.label = label;
      try {
        await navigator.clipboard.writeText(button.dataset.copy);
        button.textContent = 'Copied';
      } catch {
        // No clipboard access: select the visible link so the admin can copy it.
        const input = document.getElementById(button.getAttribute('aria-controls') || '');
        if (input) input.select();
        button.textContent = 'Select and copy';
      }
      setTimeout(() => { button.textContent = label; }, 2000);
    });
  }

  // The iframe warning follows the embed-mode choice as the admin changes it.
  const embed = document.getElementById('externalBookingEmbedMode');
  const warning = document.getElementById('iframe-warning');
  if (embed && warning) {
    const sync = () => { warning.hidden = embed.value !== 'iframe'; };
    embed.addEventListener('change', sync);
    sync();
  }

  // On a phone the filter panel folds away while no filter is set, so handoffs come first.
  const panel = document.querySelector('details.filter-panel');
  if (panel) {
    const phone = window.matchMedia('(max-width: 720px)');
    const fit = () => { panel.open = !phone.matches || panel.dataset.active !== '0'; };
    fit();
    phone.addEventListener('change', fit);
  }

  // A second thought before irreversible-looking actions.
  for (const form of document.querySelectorAll('form[data-confirm]')) {
    form.addEventListener('submit', (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  }
})();
