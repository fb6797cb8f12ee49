// Tribu live updates: the unread-notification count in the header, over server-sent events.
// Progressive: without this script, the count is still right on every page load.
(() => {
  const badge = document.querySelector('[data-live-unread]');
  if (!badge || !window.EventSource) return;
  const count = badge.querySelector('.count');
  const source = new EventSource('/notifications/stream');
  source.addEventListener('unread', (e) => {
    const n = parseInt(e.data, 10) || 0;
    count.textContent = n > 0 ? String(n) : '';
    badge.classList.toggle('has-unread', n > 0);
    badge.setAttribute('aria-label', badge.dataset[n === 1 ? 'labelOne' : 'labelMany'].replace('{0}', n));
  });
})();

// An open topic: when it changes (a reply, a reaction, an edit), fetch the page again and swap in its posts.
(() => {
  const posts = document.getElementById('posts');
  if (!posts || !window.EventSource || !window.fetch) return;
  const status = document.getElementById('live-status');
  let first = true;
  const source = new EventSource(`/t/${posts.dataset.liveTopic}/stream`);
  source.addEventListener('changed', async () => {
    if (first) { first = false; return; }
    const response = await fetch(location.href, { headers: { 'X-Tribu-Live': '1' }, credentials: 'same-origin' });
    if (!response.ok) return;
    const fresh = new DOMParser().parseFromString(await response.text(), 'text/html').getElementById('posts');
    if (!fresh) return;
    posts.innerHTML = fresh.innerHTML;
    if (status) status.textContent = posts.dataset.liveAnnounce;
  });
})();
