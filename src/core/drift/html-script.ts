/**
 * The drift report page's one script: sorts the roles table when a column header is clicked. It reads only
 * the page (each cell's `data-sort`), holds no data of the report (so the CSP hash of the page is that of this
 * text), and uses no framework. The first click on a numeric column sorts it descending (most first), on a
 * text column ascending; each further click reverses. Ties keep the risk order. `aria-sort` follows.
 */
export const SORT_SCRIPT = `
(function () {
  'use strict';
  var table = document.getElementById('roles-table');
  if (!table || !table.tHead || !table.tBodies[0]) return;
  var body = table.tBodies[0];
  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
  function value(row, col, numeric) {
    var cell = row.cells[col];
    var raw = cell.hasAttribute('data-sort') ? cell.getAttribute('data-sort') : cell.textContent;
    return numeric ? Number(raw) : String(raw);
  }
  function sortBy(th, col) {
    var numeric = th.getAttribute('data-type') === 'number';
    var now = th.getAttribute('aria-sort');
    var dir = now === 'ascending' ? 'descending' : now === 'descending' ? 'ascending' : numeric ? 'descending' : 'ascending';
    var rows = Array.prototype.slice.call(body.rows).map(function (row) {
      return { row: row, key: value(row, col, numeric), rank: Number(row.getAttribute('data-rank')) };
    });
    rows.sort(function (a, b) {
      var c = numeric ? (a.key === b.key ? 0 : a.key < b.key ? -1 : 1) : a.key.localeCompare(b.key);
      if (dir === 'descending') c = -c;
      return c || a.rank - b.rank;
    });
    rows.forEach(function (r) { body.appendChild(r.row); });
    heads.forEach(function (h) { if (h.querySelector('button')) h.setAttribute('aria-sort', h === th ? dir : 'none'); });
  }
  heads.forEach(function (th, col) {
    var button = th.querySelector('button');
    if (button) button.addEventListener('click', function () { sortBy(th, col); });
  });
})();
`;
