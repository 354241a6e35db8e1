// heapsim report: DevTools' Summary view (report::leak::summary) as a sortable,
// filterable table.
HEAPSIM.on('summary', function (section, data) {
  // DevTools' toUIDistance, as heapsim summary prints it: − for system-only (≥ 100000000)
  // and unreachable (-5) objects.
  function distance(d) { return d >= 0 && d < 100000000 ? String(d) : '\u2212'; }
  var total = HEAPSIM.data.overview.total_size || 1;
  var rows = data.classes.map(function (c) {
    var pct = (c.retained_size * 100 / total).toFixed(1) + ' %';
    return {
      cells: [c.class, distance(c.distance), HEAPSIM.count(c.count),
        HEAPSIM.bytes(c.self_size), HEAPSIM.bytes(c.retained_size) + '  ' + pct],
      keys: [c.class.toLowerCase(), c.distance, c.count, c.self_size, c.retained_size],
      classes: ['', 'num', 'num', 'num', 'num'],
      search: c.class.toLowerCase()
    };
  });
  HEAPSIM.sortableTable(section.querySelector('table'), rows, {
    input: section.querySelector('[data-filter]'),
    count: section.querySelector('[data-count]')
  });
  if (data.more_classes > 0) {
    section.querySelector('[data-more]').textContent = '… and ' + HEAPSIM.count(data.more_classes) +
      ' smaller classes (heapsim summary FILE lists them all).';
  }
});
