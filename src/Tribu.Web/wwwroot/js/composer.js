// Tribu composer: images uploaded as soon as they are chosen, pasted or dropped, and their Markdown inserted where
// the cursor is. Progressive: without this script the chosen image travels with the form and lands at the end of the text.
(() => {
  function insertAtCursor(area, text) {
    const start = area.selectionStart ?? area.value.length;
    const end = area.selectionEnd ?? start;
    const before = area.value.slice(0, start);
    const after = area.value.slice(end);
    const block = (before && !before.endsWith('\n') ? '\n\n' : '') + text + (after.startsWith('\n') ? '' : '\n');
    area.value = before + block + after;
    const caret = before.length + block.length;
    area.setSelectionRange(caret, caret);
    area.dispatchEvent(new Event('input', { bubbles: true }));
  }

  async function upload(input, area, file) {
    const status = input.closest('.image-field')?.querySelector('[data-upload-status]');
    const field = input.closest('.image-field');
    let error = field?.querySelector('.field-error');
    if (!error && field) {
      error = document.createElement('p');
      error.className = 'field-error';
      error.id = 'File-error';
      field.append(error);
    }
    const token = input.form?.querySelector('input[name="__RequestVerificationToken"]')?.value;
    const data = new FormData();
    data.append('file', file, file.name || 'image');
    if (token) data.append('__RequestVerificationToken', token);
    if (status) status.textContent = input.dataset.uploading;
    input.removeAttribute('aria-invalid');
    const response = await fetch('/api/v1/uploads', { method: 'POST', body: data, credentials: 'same-origin' });
    const body = await response.json().catch(() => ({}));
    if (response.ok) {
      insertAtCursor(area, body.markdown);
      if (status) status.textContent = input.dataset.uploaded;
      if (error) error.textContent = '';
    } else {
      const message = (body.errors && body.errors.File && body.errors.File[0]) || body.title || response.statusText;
      if (status) status.textContent = message;
      if (error) error.textContent = message;
      input.setAttribute('aria-invalid', 'true');
    }
  }

  function start() {
    if (!window.fetch || !window.FormData) return;
    for (const input of document.querySelectorAll('input[type=file][data-upload-for]')) {
      const area = document.getElementById(input.dataset.uploadFor);
      if (!area || input.dataset.enhanced) continue;
      input.dataset.enhanced = '1';
      input.addEventListener('change', async () => {
        const files = [...input.files];
        // Sent now, so not sent again with the form.
        input.value = '';
        for (const file of files) await upload(input, area, file);
      });
      area.addEventListener('paste', async (e) => {
        const files = [...(e.clipboardData?.files || [])].filter(f => f.type.startsWith('image/'));
        if (files.length === 0) return;
        e.preventDefault();
        for (const file of files) await upload(input, area, file);
      });
      area.addEventListener('dragover', (e) => { if (e.dataTransfer?.types.includes('Files')) e.preventDefault(); });
      area.addEventListener('drop', async (e) => {
        const files = [...(e.dataTransfer?.files || [])].filter(f => f.type.startsWith('image/'));
        if (files.length === 0) return;
        e.preventDefault();
        for (const file of files) await upload(input, area, file);
      });
    }
  }

  start();
  if (window.Blazor && Blazor.addEventListener) Blazor.addEventListener('enhancedload', start);
})();
