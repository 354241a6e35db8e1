// heapsim report: the dominator treemap (report::leak::treemap). A click zooms the SVG's
// viewBox onto a parent tile and shows the tile's object; labels keep their screen size
// and show only where they fit.
HEAPSIM.on('treemap', function (section) {
  var svg = section.querySelector('svg.treemap');
  var panel = section.querySelector('[data-details]');
  var label = section.querySelector('[data-zoom-label]');
  var whole = svg.getAttribute('viewBox').split(' ').map(Number);
  var stack = [];
  function fit(box) {
    var k = Math.min(whole[2] / box[2], whole[3] / box[3]);
    svg.setAttribute('viewBox', box.join(' '));
    Array.prototype.forEach.call(svg.querySelectorAll('g.tile'), function (g) {
      var b = g.getAttribute('data-box').split(' ').map(Number);
      var t = g.querySelector('text');
      t.setAttribute('font-size', 11 / k);
      t.setAttribute('dx', 3 / k);
      t.setAttribute('dy', (t.classList.contains('leaf') ? 13 : 12) / k);
      var roomy = b[2] * k > 40 && b[3] * k > 16;
      t.style.display = roomy && t.getComputedTextLength() <= b[2] - 5 / k ? '' : 'none';
    });
  }
  function zoom(box, name) {
    stack.push(box);
    label.textContent = name;
    fit(box);
  }
  svg.addEventListener('click', function (e) {
    var g = e.target.closest('g.tile');
    if (!g) return;
    var key = g.getAttribute('data-object');
    if (key) HEAPSIM.showObject(panel, key);
    if (g.querySelector('text:not(.leaf)')) {
      zoom(g.getAttribute('data-box').split(' ').map(Number), g.querySelector('title').textContent);
    }
  });
  section.querySelector('[data-zoom=out]').addEventListener('click', function () {
    stack.pop();
    var box = stack.length ? stack[stack.length - 1] : whole;
    label.textContent = stack.length ? label.textContent : 'Whole heap';
    fit(box);
  });
  section.querySelector('[data-zoom=reset]').addEventListener('click', function () {
    stack = [];
    label.textContent = 'Whole heap';
    fit(whole);
  });
  fit(whole);
});
