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
      const response = await fetch(location.href, { headers: { 'X-Tribu-Live': '1' }, credentials: 'same-origin' });
      if (!response.ok) return;
      const fresh = new DOMParser().parseFromString(await response.text(), 'text/html').getElementById('posts');
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
        const response = await fetch(location.href, { headers: { 'X-Tribu-Live': '1' }, credentials: 'same-origin' });
        if (!response.ok) return;
        const fresh = new DOMParser().parseFromString(await response.text(), 'text/html').getElementById('alerts');
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
    liveAlerts();
  }

  start();
  if (window.Blazor && Blazor.addEventListener) Blazor.addEventListener('enhancedload', start);
})();
