// The inbox's live pieces and keyboard shortcuts, progressive: the pages work without this script.
// Restarted after each Blazor enhanced navigation, like live.js.
(() => {
  const cleanups = [];

  async function freshDocument() {
    const response = await fetch(location.href, { headers: { 'X-Tribu-Live': '1' }, credentials: 'same-origin' });
    if (!response.ok) return null;
    return new DOMParser().parseFromString(await response.text(), 'text/html');
  }

  const typingTarget = (e) => e.target.closest('input, textarea, select, [contenteditable="true"]');
  const plainKey = (e) => !e.ctrlKey && !e.metaKey && !e.altKey && !typingTarget(e);

  async function api(method, url, body) {
    return fetch(url, {
      method, credentials: 'same-origin', keepalive: method === 'DELETE',
      headers: body ? { 'Content-Type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined,
    });
  }

  // The queue: new and changed items appear live (first page only); ticked boxes and focus survive the refresh.
  function liveQueue() {
    const list = document.getElementById('inbox-list');
    if (!list || list.dataset.liveInbox !== 'true' || !window.EventSource || !window.fetch) return;
    const status = document.getElementById('inbox-live-status');
    let last = null;
    let busy = false;
    const source = new EventSource('/manage/inbox/stream');
    cleanups.push(() => source.close());
    source.addEventListener('changed', async (e) => {
      if (last === null || e.data === last) { last = e.data; return; }
      last = e.data;
      if (busy) return;
      busy = true;
      try {
        const doc = await freshDocument();
        const fresh = doc && doc.getElementById('inbox-list');
        if (!fresh) return;
        const ticked = [...list.querySelectorAll('input[name="ids"]:checked')].map((i) => i.value);
        const focused = document.activeElement && list.contains(document.activeElement) ? document.activeElement.id || document.activeElement.getAttribute('href') : null;
        list.innerHTML = fresh.innerHTML;
        for (const id of ticked) {
          const box = list.querySelector(`input[name="ids"][value="${CSS.escape(id)}"]`);
          if (box) box.checked = true;
        }
        if (focused) {
          const again = list.querySelector(`#${CSS.escape(focused)}`) || list.querySelector(`a[href="${CSS.escape(focused)}"]`);
          if (again) again.focus();
        }
        const tabs = doc.querySelector('nav.tabs');
        const here = document.querySelector('nav.tabs');
        if (tabs && here) here.innerHTML = tabs.innerHTML;
        if (status) status.textContent = list.dataset.liveAnnounce;
      } finally {
        busy = false;
      }
    });
  }

  // Queue shortcuts: j/k move between items, o or Enter opens, x ticks, a assigns to me, e resolves.
  function queueKeys() {
    const list = document.getElementById('inbox-list');
    if (!list) return;
    const rows = () => [...list.querySelectorAll('tr[data-inbox-row]')];
    const current = () => rows().find((r) => r.contains(document.activeElement));
    function move(step) {
      const all = rows();
      if (all.length === 0) return;
      const at = all.indexOf(current());
      const next = all[Math.min(all.length - 1, Math.max(0, at < 0 ? 0 : at + step))];
      next.querySelector('a.inbox-subject').focus();
    }
    async function act(row, body, url) {
      if (!row) return;
      const response = await api('PUT', `/api/v1/inbox/items/${row.dataset.inboxRow}/${url}`, body);
      const status = document.getElementById('inbox-live-status');
      if (!response.ok && status) status.textContent = (await response.json().catch(() => ({}))).title || String(response.status);
    }
    const onKey = (e) => {
      if (!plainKey(e)) return;
      const row = current();
      switch (e.key) {
        case 'j': move(1); break;
        case 'k': move(-1); break;
        case 'o': if (row) location.href = row.querySelector('a.inbox-subject').href; break;
        case 'x': if (row) { const box = row.querySelector('input[name="ids"]'); box.checked = !box.checked; } break;
        case 'a': act(row, { assigneeId: list.dataset.me }, 'assignee'); break;
        case 'e': act(row, { status: 'Resolved' }, 'status'); break;
        default: return;
      }
      e.preventDefault();
    };
    document.addEventListener('keydown', onKey);
    cleanups.push(() => document.removeEventListener('keydown', onKey));
  }

  // One item: say who else has it open or is writing, refresh what changed, count characters, shortcuts.
  function liveItem() {
    const box = document.getElementById('inbox-item');
    if (!box || !window.fetch) return;
    const id = box.dataset.inboxItem;
    const me = box.dataset.me;
    const presence = document.getElementById('inbox-presence');
    const announce = document.getElementById('inbox-item-live');
    const textarea = document.getElementById('reply-body');
    let typing = false;
    let idle;

    function showPresence(rows) {
      const others = rows.filter((r) => r.memberId !== me);
      const viewing = others.filter((r) => !r.isTyping).map((r) => r.name);
      const writing = others.filter((r) => r.isTyping).map((r) => r.name);
      const parts = [];
      if (viewing.length) parts.push(box.dataset.viewing.replace('{0}', viewing.join(', ')));
      if (writing.length) parts.push(box.dataset.typing.replace('{0}', writing.join(', ')));
      const text = parts.join(' · ');
      if (presence.textContent !== text) presence.textContent = text;
    }
    async function beat() {
      const response = await api('PUT', `/api/v1/inbox/items/${id}/presence`, { typing });
      if (response.ok) showPresence(await response.json());
    }
    beat();
    const timer = setInterval(beat, 15000);
    const leave = () => api('DELETE', `/api/v1/inbox/items/${id}/presence`);
    window.addEventListener('pagehide', leave);
    cleanups.push(() => { clearInterval(timer); window.removeEventListener('pagehide', leave); leave(); });

    if (textarea) {
      const count = document.getElementById('reply-count');
      const max = parseInt(textarea.dataset.replyMax, 10);
      const onInput = () => {
        const used = [...new Intl.Segmenter().segment(textarea.value)].length;
        count.textContent = used <= max ? textarea.dataset.countLeft.replace('{0}', max - used) : textarea.dataset.countOver.replace('{0}', used - max);
        count.classList.toggle('over', used > max);
        if (!typing) { typing = true; beat(); }
        clearTimeout(idle);
        idle = setTimeout(() => { typing = false; beat(); }, 5000);
      };
      textarea.addEventListener('input', onInput);
      cleanups.push(() => { textarea.removeEventListener('input', onInput); clearTimeout(idle); });
    }

    if (window.EventSource) {
      let last = null;
      const source = new EventSource(`/manage/inbox/items/${id}/stream`);
      cleanups.push(() => source.close());
      source.addEventListener('changed', async (e) => {
        const state = JSON.parse(e.data);
        showPresence(state.presence);
        if (last === null) { last = state.updated + ':' + state.replies; return; }
        const now = state.updated + ':' + state.replies;
        if (now === last) return;
        last = now;
        // Refresh what others changed, never the forms being filled in.
        const doc = await freshDocument();
        if (!doc) return;
        for (const part of ['item-header', 'item-replies', 'item-history-list', 'item-side-status']) {
          const fresh = doc.getElementById(part);
          const here = document.getElementById(part);
          if (fresh && here) here.innerHTML = fresh.innerHTML;
        }
        if (announce) announce.textContent = box.dataset.changed;
      });
    }

    const onKey = (e) => {
      if (!plainKey(e)) return;
      const submit = (formId) => { const f = document.getElementById(formId); if (f) f.requestSubmit(); };
      switch (e.key) {
        case 'r': if (textarea) textarea.focus(); break;
        case 'a': submit('assign-me-form'); break;
        case 'e': submit('resolve-next-form'); break;
        case 'n': { const next = document.getElementById('next-item'); if (next) location.href = next.href; break; }
        case 'u': location.href = '/manage/inbox'; break;
        default: return;
      }
      e.preventDefault();
    };
    document.addEventListener('keydown', onKey);
    cleanups.push(() => document.removeEventListener('keydown', onKey));
  }

  // "Use this reply": fill the reply box in place (the form works without script by reloading the page).
  function savedReplies() {
    const form = document.getElementById('saved-reply-form');
    const textarea = document.getElementById('reply-body');
    if (!form || !textarea || !window.fetch) return;
    const onSubmit = async (e) => {
      e.preventDefault();
      const id = form.querySelector('select').value;
      const response = await api('POST', `/api/v1/inbox/saved-replies/${id}/render`, { itemId: Number(form.dataset.savedReplyItem) });
      if (!response.ok) { form.submit(); return; }
      const rendered = await response.json();
      textarea.value = rendered.text;
      const hidden = document.getElementById('reply-saved-id');
      if (hidden) hidden.value = String(rendered.savedReplyId);
      textarea.dispatchEvent(new Event('input'));
      textarea.focus();
    };
    form.addEventListener('submit', onSubmit);
    cleanups.push(() => form.removeEventListener('submit', onSubmit));
  }

  function start() {
    while (cleanups.length) cleanups.pop()();
    liveQueue();
    queueKeys();
    liveItem();
    savedReplies();
  }

  start();
  if (window.Blazor && Blazor.addEventListener) Blazor.addEventListener('enhancedload', start);
})();
