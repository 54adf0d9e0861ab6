// Playlike's painted shell, run before the first paint (a small blocking script, kept in a
// file so the Content-Security-Policy needs no 'unsafe-inline'):
//  - names the page the address is for on <html data-view>, so the shell in index.html shows
//    that page's placeholder until the app takes over;
//  - "/" anywhere outside a text field focuses the search box, in the shell and in the app.
(function () {
  var path = location.pathname;
  document.documentElement.dataset.view = path === '/' ? 'home'
    : path.indexOf('/game/') === 0 ? 'game'
      : path.indexOf('/for-you') === 0 ? 'for-you' : 'other';

  function typing(target) {
    return target instanceof HTMLElement
      && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }
  document.addEventListener('keydown', function (event) {
    if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    var search = document.getElementById('search-input');
    if (!search) return;
    event.preventDefault();
    search.focus();
    search.select();
  });
}());
