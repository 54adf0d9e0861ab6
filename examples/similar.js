// The example page's script (a file, so the page's CSP needs no inline script): loads the
// element and lets the buttons switch its game — the element re-renders on attribute changes.
import '../playlike/element.js';

const similar = document.getElementById('similar');
for (const button of document.querySelectorAll('#picker button')) {
  button.addEventListener('click', () => {
    similar.setAttribute('game', button.dataset.game);
    for (const other of document.querySelectorAll('#picker button')) {
      other.setAttribute('aria-pressed', String(other === button));
    }
  });
}
