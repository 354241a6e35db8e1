// heapsim report: the shared script. Sections register with HEAPSIM.on(id, fn); start()
// parses the page data once and calls fn(sectionElement, HEAPSIM.data[id]) for each.
// Strings from the snapshot only ever reach the DOM through textContent (el() below).
var HEAPSIM = (function () {
  var handlers = [];

  // analyzer::units::human_bytes: decimal units, one decimal, "B" below 1000.
  function bytes(n) {
    var units = ['kB', 'MB', 'GB', 'TB', 'PB'];
    if (n < 1000) return n + ' B';
    var v = n / 1000, u = 0;
    while (v >= 999.95 && u + 1 < units.length) { v /= 1000; u++; }
    return v.toFixed(1) + ' ' + units[u];
  }

  // analyzer::units::thousands: 1,234,567.
  function count(n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  }

  // An element with attributes and children; strings become text nodes.
  function el(tag, attrs) {
    var e = document.createElement(tag);
    for (var k in attrs || {}) e.setAttribute(k, attrs[k]);
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c === null || c === undefined) continue;
      e.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)));
    }
    return e;
  }

  // Fills a <table> (with <thead> and an empty <tbody>) whose header cells sort it
  // (numbers largest first on the first click). rows: [{cells: [text], keys: [sort key],
  // classes: [td class], search: lower-case text the filter matches}]; filter: {input,
  // count} elements (optional) for the filter box and the "N of M rows" line.
  function sortableTable(table, rows, filter) {
    var body = table.tBodies[0];
    var heads = table.tHead.rows[0].cells;
    var state = { col: -1, desc: true, text: '' };
    function render() {
      var shown = rows.filter(function (r) { return !state.text || r.search.indexOf(state.text) >= 0; });
      if (state.col >= 0) {
        var c = state.col, d = state.desc ? -1 : 1;
        shown.sort(function (a, b) {
          var x = a.keys[c], y = b.keys[c];
          return (x < y ? -1 : x > y ? 1 : 0) * d;
        });
      }
      body.textContent = '';
      shown.forEach(function (r) {
        var tr = el('tr');
        r.cells.forEach(function (t, i) { tr.appendChild(el('td', { class: r.classes[i] || '' }, t)); });
        body.appendChild(tr);
      });
      if (filter && filter.count) filter.count.textContent = shown.length + ' of ' + rows.length + ' rows';
    }
    Array.prototype.forEach.call(heads, function (th, i) {
      th.addEventListener('click', function () {
        state.desc = state.col === i ? !state.desc : typeof rows[0].keys[i] === 'number';
        state.col = i;
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', state.desc ? 'descending' : 'ascending');
        render();
      });
    });
    if (filter && filter.input) {
      filter.input.addEventListener('input', function () {
        state.text = filter.input.value.toLowerCase();
        render();
      });
    }
    render();
  }

  function start() {
    var data = JSON.parse(document.getElementById('heapsim-data').textContent);
    api.data = data;
    handlers.forEach(function (h) {
      var section = document.getElementById(h.id);
      try {
        h.fn(section, data[h.id]);
      } catch (e) {
        HEAPSIM_GUARD.report(h.id + ': ' + (e && e.stack ? e.stack : e));
      }
    });
    if (HEAPSIM_GUARD.count() > 0) HEAPSIM_GUARD.show();
    else document.body.setAttribute('data-ready', 'true');
  }

  var api = {
    on: function (id, fn) { handlers.push({ id: id, fn: fn }); },
    start: start,
    bytes: bytes,
    count: count,
    el: el,
    sortableTable: sortableTable,
    data: null
  };
  return api;
})();
