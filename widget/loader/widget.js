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
    ':host{all:initial!important;display:block!important;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif!important;font-size:15px!important;line-height:1.45!important}' +
    ':host([data-handoff-widget=launcher]){position:fixed!important;right:20px!important;bottom:20px!important;z-index:2147483000!important}' +
    '.hw-launcher,.hw-fallback{display:block;border:0;border-radius:999px;padding:12px 20px;background:#0f766e;color:#fff;font:inherit;font-weight:600;text-decoration:none;cursor:pointer;box-shadow:0 4px 14px rgba(15,23,42,.25)}' +
    'p{margin:0 0 8px;padding:6px 10px;background:#fff;font-size:13px}' +
    ':focus-visible{outline:3px solid #0f766e;outline-offset:2px}';

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
      return null; // an invalid selector: fall back to right after the script tag
    }
  };

  const start = () => {
    const slug = data.client;
    if (!slug) return console.warn('Handoff widget: data-client is missing');
    const edge = new URL(script.src, location.href).origin;
    const api = (data.api || edge).replace(/\/+$/, '');
    const assets = edge + '/w/__HANDOFF_VERSION__/';
    const mode = inline ? 'inline' : 'launcher';
    let clicked = false;
    let loading;

    const host = document.createElement('div');
    host.setAttribute('data-handoff-widget', mode);
    const root = host.attachShadow({ mode: 'open' });
    try {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      root.adoptedStyleSheets = [sheet];
    } catch (e) {
      root.appendChild(document.createElement('style')).textContent = CSS;
    }

    const add = (tag, className, text) => {
      const el = root.appendChild(document.createElement(tag));
      el.className = className;
      el.textContent = text;
      return el;
    };

    // The plain way to book when the assistant cannot run.
    const fallback = () => {
      try {
        root.textContent = '';
        add('p', 'hw-fallback-note', es ? 'No se pudo cargar el asistente de reservas.' : "The booking assistant couldn't load.");
        const link = add('a', 'hw-fallback', es ? 'Reservar online' : 'Book online');
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
          import(assets + 'handoff_widget.js').then((mod) =>
            mod.default({ module_or_path: assets + 'handoff_widget_bg.wasm' }).then(() => mod)
          ),
          fetch(api + '/api/v1/widget-config?client=' + encodeURIComponent(slug) + '&lang=' + lang).then((res) => {
            if (res.status !== 200) throw res.status;
            return res.json();
          }),
        ])
          .then(([mod, config]) =>
            mod.mount(root, config, {
              apiBase: api,
              edge,
              slug,
              industry: data.industry || '',
              // Never the query string or fragment: they can carry personal data.
              sourcePage: location.origin + location.pathname,
              mode,
              open: clicked,
              host,
              lang,
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
      const button = add('button', 'hw-launcher', es ? 'Reservar una cita' : 'Book an appointment');
      button.type = 'button';
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
