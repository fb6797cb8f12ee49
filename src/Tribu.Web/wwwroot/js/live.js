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
