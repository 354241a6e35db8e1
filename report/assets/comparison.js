// heapsim report: DevTools' Comparison view (report::leak::comparison) as a sortable,
// filterable table.
HEAPSIM.on('comparison', function (section, data) {
  function signed(n, f) { return (n < 0 ? '-' : '+') + f(Math.abs(n)); }
  var rows = data.classes.map(function (c) {
    return {
      cells: [c.class, HEAPSIM.count(c.new_count), HEAPSIM.count(c.deleted_count),
        signed(c.delta_count, HEAPSIM.count), HEAPSIM.bytes(c.alloc_size), HEAPSIM.bytes(c.freed_size),
        signed(c.delta_size, HEAPSIM.bytes)],
      keys: [c.class.toLowerCase(), c.new_count, c.deleted_count, c.delta_count, c.alloc_size,
        c.freed_size, c.delta_size],
      classes: ['', 'num', 'num', 'num', 'num', 'num', 'num'],
      search: c.class.toLowerCase()
    };
  });
  var table = section.querySelector('table');
  if (!rows.length) {
    table.tBodies[0].appendChild(HEAPSIM.el('tr', {}, HEAPSIM.el('td', { colspan: '7' }, 'No class changed.')));
    return;
  }
  HEAPSIM.sortableTable(table, rows, {
    input: section.querySelector('[data-filter]'),
    count: section.querySelector('[data-count]')
  });
  if (data.more_classes > 0) {
    section.querySelector('[data-more]').textContent = '… and ' + HEAPSIM.count(data.more_classes) +
      ' more classes (heapsim diff BASE FILE --top N lists them).';
  }
});
