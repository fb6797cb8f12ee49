// Events: remember the reader's time zone (so the server shows event times in it next time),
// and show the time in it now, in place of the UTC time the page was rendered with.
(function () {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone) document.cookie = 'tribu-tz=' + encodeURIComponent(zone) + ';path=/;max-age=31536000;samesite=lax';
    document.querySelectorAll('time[data-local-time]').forEach(function (el) {
        var date = new Date(el.getAttribute('datetime'));
        if (isNaN(date)) return;
        el.textContent = date.toLocaleString(document.documentElement.lang || undefined, { dateStyle: 'full', timeStyle: 'short' }) + (zone ? ' (' + zone + ')' : '');
    });
})();
