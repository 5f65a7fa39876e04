// Handoff widget loader: the one script a business pastes.
//   <script src="https://EDGE/widget.js" data-client="SLUG" async></script>
// It shows the launcher at once and loads nothing else until the visitor clicks it or the page
// is idle (inline mode loads at once). Then, in parallel, the wasm assistant and the client's
// public config; then `mount`. Any failure (blocked import, wasm refused by CSP, config error)
// becomes a plain link to the hosted booking page. It never throws into the host page.
// Plain ES2018, no dependencies; esbuild minifies it into widget/dist/widget.js (budget 1.5 KB gz).
(() => {
  // The launcher exactly as the wasm draws it (widget/src/style.css), so nothing jumps on mount.
  const CSS =
    ':host{all:initial!important;display:block!important;font-family:system-ui,sans-serif!important;font-size:15px!important;line-height:1.45!important}' +
    ':host([data-handoff-widget=launcher]){position:fixed!important;right:20px!important;bottom:20px!important;z-index:2147483000!important}' +
    '.hw-launcher{display:block;border:0;border-radius:999px;padding:12px 20px;background:var(--b,#0f766e);color:var(--f,#fff);font:inherit;font-weight:600;text-decoration:none;cursor:pointer;box-shadow:0 0 0 2px var(--o,#0000),0 4px 14px #0f172a40}' +
    ':focus-visible{outline:3px solid var(--a,#0f766e);outline-offset:2px}';

  const script = document.currentScript || document.querySelector('script[data-client]');
  const data = (script && script.dataset) || {};
  const inline = data.mode === 'inline';
  // The visitor's language: data-lang, else the first of the browser's languages we speak, else
  // English (handoff_core::i18n::negotiate, the same rule). The wasm is told, not asked again.
  const es = /^es/i.test([data.lang, ...navigator.languages].find((l) => /^e[ns]([-_]|$)/i.test(l)));
  const lang = es ? 'es' : 'en';

  const find = (selector) => {
    try {
      return selector && document.querySelector(selector);
    } catch (e) {
      // An invalid selector: fall back to right after the script tag.
    }
  };

  // Storage of the host page (first party), which a browser may refuse: then nothing is kept.
  const stored = (kind, key, make) => {
    try {
      const store = window[kind];
      return (store[key] = store[key] || make());
    } catch (e) {
      return '';
    }
  };
  // The visitor's first touch of this session, from the page they landed on: its path, the
  // referrer's origin and path, and only the campaign parameters core knows (nothing else of
  // the query). Kept in this tab's sessionStorage; sent only with a booking request.
  const touch = stored('sessionStorage', 'handoff:touch', () =>
    JSON.stringify([
      location.pathname,
      document.referrer.split(/[?#]/)[0],
      location.search.match(/[?&](utm_[a-z]+|[gw]braid|(gc|fbc|ttc)lid|msclkid|li_fat_id)=[^&]*/g),
    ])
  );

  const start = () => {
    const slug = data.client;
    if (!slug) return console.warn('Handoff: no data-client');
    // The business's look as the last config gave it (CSS for the shadow root), so the
    // launcher is drawn in it at once; the wasm redraws it from the fresh config.
    const look = stored('localStorage', 'handoff:look:' + slug, () => '');
    const edge = new URL(script.src).origin;
    const api = (data.api || edge).replace(/\/+$/, '');
    const assets = edge + '/w/__HANDOFF_VERSION__/';
    const mode = inline ? 'inline' : 'launcher';
    let clicked = false;
    let loading;

    const host = document.createElement('div');
    host.dataset.handoffWidget = mode;
    const root = host.attachShadow({ mode: 'open' });
    try {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS + look);
      root.adoptedStyleSheets = [sheet];
    } catch (e) {
      root.appendChild(document.createElement('style')).textContent = CSS + look;
    }

    const add = (tag, className, text) => {
      const el = root.appendChild(document.createElement(tag));
      el.className = className;
      el.textContent = text;
      return el;
    };

    const label = es ? 'Reservar una cita' : 'Book an appointment';
    // The plain way to book when the assistant cannot run: the launcher's words, as a link
    // to the hosted booking page.
    const fallback = () => {
      try {
        root.textContent = '';
        const link = add('a', 'hw-launcher', label);
        // The origin that just served this script is up; the API origin may be what failed.
        link.href = edge + '/b/' + encodeURIComponent(slug) + '?lang=' + lang;
        link.target = '_top';
      } catch (e) {
        // Nothing more we can do without risking the host page.
      }
    };

    const load = () => {
      loading =
        loading ||
        Promise.all([
          // The glue finds its wasm next to itself (import.meta.url).
          import(assets + 'handoff_widget.js').then((mod) => mod.default().then(() => mod)),
          fetch(api + '/api/v1/widget-config?client=' + encodeURIComponent(slug) + '&lang=' + lang).then((res) => {
            if (!res.ok) throw 0;
            return res.json();
          }),
        ])
          .then(([mod, config]) =>
            // The wasm keeps the config's look under `handoff:look:SLUG` for the next page.
            mod.mount(root, config, {
              apiBase: api,
              industry: data.industry,
              mode,
              open: clicked,
              lang,
              touch,
            })
          )
          .catch(fallback);
    };

    if (inline) {
      const target = find(data.target);
      if (target) target.appendChild(host);
      else script.after(host);
      load();
    } else {
      // The wasm redraws it with the same words (handoff_core::i18n, `book`).
      const button = add('button', 'hw-launcher', label);
      // In a shadow root no form of the host page can own it: no `type` needed.
      button.setAttribute('aria-expanded', 'false');
      button.onclick = () => {
        clicked = true;
        load();
      };
      document.body.appendChild(host);
      const idle = () => (window.requestIdleCallback ? requestIdleCallback(load, { timeout: 4000 }) : setTimeout(load, 1500));
      if (document.readyState === 'complete') idle();
      else addEventListener('load', idle);
    }
  };

  const guarded = () => {
    try {
      start();
    } catch (e) {
      // A broken embed must not break the host page.
    }
  };

  // Wait for the DOM only when the place we go into does not exist yet.
  if ((inline ? !data.target || find(data.target) : document.body) || document.readyState !== 'loading') guarded();
  else document.addEventListener('DOMContentLoaded', guarded);
})();
