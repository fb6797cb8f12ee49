// Tribu live pieces, progressive: every page works without this script.
// Blazor's enhanced navigation swaps pages without reloading scripts, so each piece (re)starts on
// the first load and after every enhanced navigation, closing the streams of the page it replaces.
(() => {
  const streams = [];

  // The unread-notification count in the header, over server-sent events.
  function unreadBadge() {
    const badge = document.querySelector('[data-live-unread]');
    if (!badge || !window.EventSource) return;
    const count = badge.querySelector('.count');
    const source = new EventSource('/notifications/stream');
    streams.push(source);
    source.addEventListener('unread', (e) => {
      const n = parseInt(e.data, 10) || 0;
      count.textContent = n > 0 ? String(n) : '';
      badge.classList.toggle('has-unread', n > 0);
      badge.setAttribute('aria-label', badge.dataset[n === 1 ? 'labelOne' : 'labelMany'].replace('{0}', n));
    });
  }

  // Fetches this page again and returns its element with the given id (null when the page or the element is gone):
  // how every live piece refreshes a part of the page, rendered by the server as on a normal load.
  async function freshCopy(id) {
    const response = await fetch(location.href, { headers: { 'X-Tribu-Live': '1' }, credentials: 'same-origin' });
    if (!response.ok) return null;
    return new DOMParser().parseFromString(await response.text(), 'text/html').getElementById(id);
  }

  // An open topic: when it changes (a reply, a reaction, an edit), fetch the page again and swap in its posts.
  function liveTopic() {
    const posts = document.getElementById('posts');
    if (!posts || !window.EventSource || !window.fetch) return;
    const status = document.getElementById('live-status');
    let first = true;
    const source = new EventSource(`/t/${posts.dataset.liveTopic}/stream`);
    streams.push(source);
    source.addEventListener('changed', async () => {
      if (first) { first = false; return; }
      const fresh = await freshCopy('posts');
      if (!fresh) return;
      posts.innerHTML = fresh.innerHTML;
      if (status) status.textContent = posts.dataset.liveAnnounce;
    });
  }

  // A new topic's title: show existing topics like it while it is typed (they may already answer it).
  function similarTopics() {
    const title = document.getElementById('title');
    const box = document.getElementById('similar-topics');
    if (!title || !box || !window.fetch) return;
    let timer;
    title.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const text = title.value.trim();
        if (text.length < 8) { box.hidden = true; return; }
        const response = await fetch(`/api/v1/topics/similar?title=${encodeURIComponent(text)}`, { credentials: 'same-origin' });
        if (!response.ok) return;
        const topics = await response.json();
        box.replaceChildren();
        if (topics.length === 0) { box.hidden = true; return; }
        const heading = document.createElement('h2');
        heading.textContent = box.dataset.heading;
        const list = document.createElement('ul');
        for (const t of topics) {
          const item = document.createElement('li');
          const link = document.createElement('a');
          link.href = t.url;
          link.textContent = t.title;
          item.append(link);
          if (t.solved) {
            const badge = document.createElement('span');
            badge.className = 'badge badge-solved';
            badge.textContent = box.dataset.solved;
            item.append(' ', badge);
          }
          list.append(item);
        }
        box.append(heading, list);
        box.hidden = false;
      }, 350);
    });
  }

  // The listening mention stream: when new mentions are stored, fetch the page again and swap in the list
  // (only on the newest page: an older page stays as it is while it is read).
  function liveMentions() {
    const list = document.getElementById('mentions');
    if (!list || list.dataset.liveMentions !== 'true' || !window.EventSource || !window.fetch) return;
    const status = document.getElementById('live-status');
    let last = null;
    const source = new EventSource('/manage/listening/stream');
    streams.push(source);
    source.addEventListener('changed', async (e) => {
      if (last === null || last === e.data) { last = e.data; return; }
      last = e.data;
      const fresh = await freshCopy('mentions');
      if (!fresh) return;
      list.innerHTML = fresh.innerHTML;
      if (status) status.textContent = list.dataset.liveAnnounce;
    });
  }

  // A listening query being edited: show what it would match among the latest mentions, or why it cannot be read.
  function queryPreview() {
    const area = document.querySelector('[data-query-preview]');
    if (!area || !window.fetch) return;
    const box = document.getElementById(area.dataset.queryPreview);
    const form = area.form;
    let timer;
    let seq = 0;
    const format = (template, ...values) => values.reduce((text, v, i) => text.replace(`{${i}}`, v), template);
    async function refresh() {
      const text = area.value.trim();
      if (!text) return;
      const mine = ++seq;
      const body = {
        query: text,
        languages: [...form.querySelectorAll('[data-preview-language]:checked')].map((c) => c.dataset.previewLanguage),
        sourceIds: [...form.querySelectorAll('[data-preview-source]:checked')].map((c) => parseInt(c.dataset.previewSource, 10)),
      };
      const response = await fetch('/api/v1/listening/queries/preview', {
        method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
      });
      if (!response.ok || mine !== seq) return;
      const preview = await response.json();
      const nodes = [];
      if (preview.errors.length > 0) {
        const p = document.createElement('p');
        p.textContent = box.dataset.errors;
        const list = document.createElement('ul');
        for (const error of preview.errors) {
          const item = document.createElement('li');
          item.className = 'field-error';
          item.textContent = error.message;
          list.append(item);
        }
        nodes.push(p, list);
      } else {
        const p = document.createElement('p');
        p.textContent = preview.matched === 0 ? box.dataset.none : format(box.dataset.scanned, preview.matched, preview.scanned);
        nodes.push(p);
        const list = document.createElement('ul');
        for (const m of preview.sample) {
          const item = document.createElement('li');
          item.className = 'mention';
          const badge = document.createElement('span');
          badge.className = `sentiment sentiment-${m.sentiment.toLowerCase()}`;
          badge.textContent = box.dataset[`sentiment${m.sentiment}`] || m.sentiment;
          const words = document.createElement('p');
          words.className = 'mention-text';
          if (m.language !== 'other') words.lang = m.language;
          words.textContent = m.text;
          const link = document.createElement('a');
          link.href = `/manage/listening/mentions/${m.id}`;
          link.textContent = m.authorHandle || `#${m.id}`;
          item.append(link, ' ', badge, words);
          list.append(item);
        }
        if (preview.sample.length > 0) nodes.push(list);
      }
      box.replaceChildren(...nodes);
    }
    const later = () => { clearTimeout(timer); timer = setTimeout(refresh, 400); };
    area.addEventListener('input', later);
    form.addEventListener('change', (e) => { if (e.target.matches('[data-preview-language], [data-preview-source]')) later(); });
    if (area.value.trim()) refresh();
  }

  // The saved-reply editor: while a body is typed, ask the server to fill it with example values in its language and
  // show that, with any unknown or unclosed variable (saving refuses those too).
  function replyPreview() {
    const areas = [...document.querySelectorAll('[data-reply-preview]')];
    const box = document.getElementById('reply-preview');
    if (areas.length === 0 || !box || !window.fetch) return;
    let timer;
    let seq = 0;
    const body = (lang) => areas.find((a) => a.dataset.replyPreview === lang)?.value ?? '';
    async function refresh() {
      const mine = ++seq;
      const response = await fetch('/api/v1/inbox/saved-replies/preview', {
        method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ bodyEn: body('en'), bodyFr: body('fr') }),
      });
      if (!response.ok || mine !== seq) return;
      const preview = await response.json();
      for (const lang of ['en', 'fr']) {
        const target = document.getElementById(`reply-preview-${lang}`);
        const shown = preview[lang];
        if (!target) continue;
        const nodes = [];
        if (!shown) {
          const p = document.createElement('p');
          p.className = 'muted';
          p.textContent = box.dataset.empty;
          nodes.push(p);
        } else {
          const p = document.createElement('p');
          p.className = 'reply-text';
          p.lang = lang;
          p.textContent = shown.text;
          nodes.push(p);
          if (shown.problems.length > 0) {
            const list = document.createElement('ul');
            for (const problem of shown.problems) {
              const item = document.createElement('li');
              item.className = 'field-error';
              item.textContent = problem.message;
              list.append(item);
            }
            nodes.push(list);
          }
        }
        target.replaceChildren(...nodes);
      }
    }
    const later = () => { clearTimeout(timer); timer = setTimeout(refresh, 400); };
    for (const area of areas) area.addEventListener('input', later);
  }

  // The listening alerts page: when the alerts change (a new one, a count, an acknowledgement), fetch the page again
  // and swap in its lists; the stream's data is a fingerprint, so batches of mentions that change no alert cost nothing.
  function liveAlerts() {
    const box = document.querySelector('[data-live-alerts]');
    if (!box || !window.EventSource || !window.fetch) return;
    const status = document.getElementById('alerts-live-status');
    let last = null;
    let busy = false;
    const source = new EventSource(box.dataset.liveAlerts);
    streams.push(source);
    source.addEventListener('alerts', async (e) => {
      if (last === null || e.data === last) { last = e.data; return; }
      last = e.data;
      if (busy) return;
      busy = true;
      try {
        const fresh = await freshCopy('alerts');
        if (!fresh) return;
        // Keep the keyboard where it was: the focused button's id-less form is found again by its action.
        const focused = document.activeElement && document.activeElement.closest('form') ? document.activeElement.closest('form').getAttribute('action') : null;
        box.innerHTML = fresh.innerHTML;
        if (focused) {
          const again = box.querySelector(`form[action="${CSS.escape(focused)}"] button`);
          if (again) again.focus();
        }
        if (status) status.textContent = box.dataset.liveAnnounce;
      } finally {
        busy = false;
      }
    });
  }

  function start() {
    while (streams.length) streams.pop().close();
    unreadBadge();
    liveTopic();
    similarTopics();
    liveMentions();
    queryPreview();
    replyPreview();
    liveAlerts();
  }

  start();
  if (window.Blazor && Blazor.addEventListener) Blazor.addEventListener('enhancedload', start);
})();
