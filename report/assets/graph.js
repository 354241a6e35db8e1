// heapsim report: the retainer graph (report::leak::graph); a click shows the object.
HEAPSIM.on('graph', function (section) {
  var svg = section.querySelector('svg.graph');
  if (!svg) return;
  var panel = section.querySelector('[data-details]');
  svg.addEventListener('click', function (e) {
    var g = e.target.closest('g.node');
    if (g) HEAPSIM.showObject(panel, g.getAttribute('data-object'));
  });
  var suspect = svg.querySelector('g.node rect[stroke-width="3"]');
  if (suspect) HEAPSIM.showObject(panel, suspect.parentNode.getAttribute('data-object'));
});
