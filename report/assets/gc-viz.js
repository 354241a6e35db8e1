// heapsim gc-viz: the GC timeline and the animations of one scavenge and one marking, drawn
// as SVG from the simulator's own recorded steps (report::gc_viz documents the data). Each
// animation is a player over its steps: frame k shows the heap after the first k steps,
// rebuilt from the start (at most 2,000 steps of at most 56 objects), so stepping back is
// as exact as stepping forward. Strings reach the DOM through textContent only.
(function () {
  var NS = 'http://www.w3.org/2000/svg';

  function svg(tag, attrs, parent, text) {
    var e = document.createElementNS(NS, tag);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = String(text);
    if (parent) parent.appendChild(e);
    return e;
  }

  // Drawn objects are named A, B, ... Z, AA, AB, ... in the order the collection reached them.
  function letter(i) {
    var s = '';
    for (i += 1; i > 0; i = Math.floor((i - 1) / 26)) s = String.fromCharCode(65 + (i - 1) % 26) + s;
    return s;
  }

  function arrowHead(root, id, colour) {
    var defs = svg('defs', {}, root);
    var m = svg('marker', { id: id, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, defs);
    svg('path', { d: 'M0,0 L10,5 L0,10 z', fill: colour }, m);
  }

  // The play/step controls of an animation section: buttons [data-action], a range input,
  // the caption. `show(k)` draws frame k (0..n) and returns its caption. The section's
  // data-step attribute is the frame shown, data-playing whether it plays.
  function player(section, n, show) {
    var range = section.querySelector('input[type=range]');
    var caption = section.querySelector('.gc-caption');
    var play = section.querySelector('[data-action=play]');
    var k = 0, timer = null;
    range.max = String(n);
    function go(j) {
      k = Math.max(0, Math.min(n, j));
      range.value = String(k);
      section.setAttribute('data-step', String(k));
      caption.textContent = 'Step ' + k + ' of ' + n + ': ' + show(k);
      if (k === n) stop();
    }
    function stop() {
      if (timer !== null) clearInterval(timer);
      timer = null;
      play.textContent = '▶ Play';
      section.setAttribute('data-playing', 'false');
    }
    function start() {
      if (k === n) go(0);
      timer = setInterval(function () { go(k + 1); }, 450);
      play.textContent = '❚❚ Pause';
      section.setAttribute('data-playing', 'true');
    }
    var actions = {
      first: function () { stop(); go(0); },
      back: function () { stop(); go(k - 1); },
      play: function () { if (timer === null) start(); else stop(); },
      step: function () { stop(); go(k + 1); },
      last: function () { stop(); go(n); }
    };
    Array.prototype.forEach.call(section.querySelectorAll('[data-action]'), function (b) {
      b.addEventListener('click', actions[b.getAttribute('data-action')]);
    });
    range.addEventListener('input', function () { stop(); go(Number(range.value)); });
    stop();
    go(0);
  }

  // The drawn objects' names, and what the bounds left out.
  function legendNames(section, r) {
    var objects = r.objects;
    section.querySelector('.gc-bounds').textContent = 'GC #' + r.seq + ': ' + objects.length + ' objects drawn' +
      (r.dropped_steps ? ', ' + HEAPSIM.count(r.dropped_steps) + ' steps about other objects not shown.' : ', every step shown.');
    var list = section.querySelector('.gc-objects');
    objects.forEach(function (o, i) {
      list.appendChild(HEAPSIM.el('li', {}, letter(i) + ' ', HEAPSIM.el('span', { class: 'muted' }, o.label + ' · ' + HEAPSIM.bytes(o.size))));
    });
  }

  // ----- the timeline ------------------------------------------------------------------

  function cards(section, t) {
    var box = section.querySelector('.cards');
    var scavenges = t.gcs.filter(function (g) { return g.kind === 'scavenge'; }).length;
    var promoted = t.gcs.reduce(function (a, g) { return a + g.bytes_promoted; }, 0);
    [[HEAPSIM.count(scavenges), 'scavenges'], [HEAPSIM.count(t.gcs.length - scavenges), 'full GCs'],
      [HEAPSIM.count(t.incremental_steps.length + t.more_incremental_steps), 'incremental steps'],
      [HEAPSIM.bytes(promoted), 'promoted'], [HEAPSIM.count(t.allocations), 'allocations']].forEach(function (c) {
      box.appendChild(HEAPSIM.el('div', { class: 'card' }, HEAPSIM.el('div', { class: 'value' }, c[0]), HEAPSIM.el('div', { class: 'label' }, c[1])));
    });
    if (t.more_gcs) box.appendChild(HEAPSIM.el('p', { class: 'muted' }, 'the first ' + HEAPSIM.count(t.gcs.length) + ' GCs are drawn, ' + HEAPSIM.count(t.more_gcs) + ' more are not'));
  }

  var SPACE_COLOURS = ['#7fb3e6', '#2f6fde', '#9b59b6', '#e0a458', '#d1453b'];

  function timeline(section, d) {
    var t = d.timeline;
    cards(section, t);
    var W = 1000, H = 300, left = 64, right = 10, top = 10, chartH = 180;
    var root = svg('svg', { viewBox: '0 0 ' + W + ' ' + H, class: 'picture gc-timeline-chart', role: 'img' }, section.querySelector('.gc-figure'));
    var end = Math.max(1, t.allocations);
    var x = function (a) { return left + (W - left - right) * a / end; };
    // Used bytes per space at every GC, before and after: the heap's sawtooth.
    var points = [];
    t.gcs.forEach(function (g) {
      points.push({ t: g.allocation_count, used: g.before });
      points.push({ t: g.allocation_count, used: g.after });
    });
    var max = 1;
    points.forEach(function (p) { max = Math.max(max, p.used.reduce(function (a, b) { return a + b; }, 0)); });
    var y = function (b) { return top + chartH - chartH * b / max; };
    svg('line', { x1: left, y1: top + chartH, x2: W - right, y2: top + chartH, stroke: '#5d6675' }, root);
    svg('text', { x: left - 6, y: top + 10, 'text-anchor': 'end', 'font-size': 11 }, root, HEAPSIM.bytes(max));
    svg('text', { x: left - 6, y: top + chartH, 'text-anchor': 'end', 'font-size': 11 }, root, '0');
    svg('text', { x: W - right, y: H - 4, 'text-anchor': 'end', 'font-size': 11 }, root, HEAPSIM.count(end) + ' allocations');
    if (points.length) {
      var below = points.map(function () { return 0; });
      t.spaces.forEach(function (name, s) {
        var upper = points.map(function (p, i) { return below[i] + p.used[s]; });
        if (upper.every(function (u, i) { return u === below[i]; })) return;
        var d = points.map(function (p, i) { return (i ? 'L' : 'M') + x(p.t).toFixed(1) + ',' + y(upper[i]).toFixed(1); }).join(' ');
        for (var i = points.length - 1; i >= 0; i--) d += ' L' + x(points[i].t).toFixed(1) + ',' + y(below[i]).toFixed(1);
        svg('path', { d: d + ' Z', fill: SPACE_COLOURS[s], opacity: 0.85, class: 'gc-space', 'data-space': name }, root);
        below = upper;
      });
    }
    // Lanes: GCs (scavenges short, full GCs tall), incremental steps, promoted bytes.
    var lane = top + chartH + 14;
    svg('text', { x: left - 6, y: lane + 12, 'text-anchor': 'end', 'font-size': 11 }, root, 'GCs');
    svg('text', { x: left - 6, y: lane + 34, 'text-anchor': 'end', 'font-size': 11 }, root, 'marking');
    svg('text', { x: left - 6, y: lane + 66, 'text-anchor': 'end', 'font-size': 11 }, root, 'promoted');
    var maxPromoted = Math.max.apply(null, [1].concat(t.gcs.map(function (g) { return g.bytes_promoted; })));
    t.gcs.forEach(function (g) {
      var full = g.kind !== 'scavenge';
      var shown = g.seq === d.animated_scavenge || g.seq === d.animated_marking;
      var tick = svg('line', {
        x1: x(g.allocation_count), x2: x(g.allocation_count), y1: full ? lane : lane + 8, y2: lane + 18,
        stroke: shown ? '#2e8b57' : full ? '#d1453b' : '#8a93a3', 'stroke-width': shown ? 3 : 1.5, class: 'gc-tick', 'data-kind': g.kind
      }, root);
      var sum = function (a) { return a.reduce(function (p, q) { return p + q; }, 0); };
      svg('title', {}, tick, '#' + g.seq + ' ' + g.kind.replace('_', '-') + ' (' + g.reason + '): ' + HEAPSIM.bytes(sum(g.before)) + ' → ' + HEAPSIM.bytes(sum(g.after)) +
        (g.bytes_promoted ? ', promoted ' + HEAPSIM.bytes(g.bytes_promoted) : '') + (shown ? ' — animated below' : ''));
      if (g.bytes_promoted) {
        var h = 22 * g.bytes_promoted / maxPromoted;
        svg('rect', { x: x(g.allocation_count) - 1, y: lane + 70 - h, width: 2.5, height: Math.max(1, h), fill: '#2f6fde', class: 'gc-promoted' }, root);
      }
    });
    t.incremental_steps.forEach(function (a) {
      svg('circle', { cx: x(a), cy: lane + 30, r: 2, fill: '#e0a458', class: 'gc-step' }, root);
    });
    var legend = section.querySelector('.legend');
    t.spaces.forEach(function (name, s) {
      legend.appendChild(HEAPSIM.el('span', {}, HEAPSIM.el('span', { class: 'swatch', style: 'background:' + SPACE_COLOURS[s] }), name));
    });
  }

  // ----- one scavenge ------------------------------------------------------------------

  var ROW = { from: 50, to: 150, old: 250 };

  function scavenge(section, r) {
    var objects = r.objects, steps = r.steps;
    legendNames(section, r);
    var index = {};
    objects.forEach(function (o, i) { index[o.addr] = i; });
    // Where each drawn object was before (from its copy step) and whether it was promoted.
    var from = [], promoted = [];
    steps.forEach(function (s) {
      if (s.step === 'copy' && s.to in index) { from[index[s.to]] = s.from; promoted[index[s.to]] = s.promoted; }
    });
    var W = 1000, left = 110, avail = W - left - 20;
    var root = svg('svg', { viewBox: '0 0 ' + W + ' 300', class: 'picture gc-scavenge-picture', role: 'img' }, section.querySelector('.gc-figure'));
    arrowHead(root, 'gc-sc-arrow', '#2f6fde');
    // Box widths from sizes (square root, so a large array does not hide the rest).
    var width = objects.map(function (o) { return Math.sqrt(o.size); });
    var scale = Math.min(4, avail / Math.max(1, width.reduce(function (a, b) { return a + b + 2; }, 0)));
    width = width.map(function (w) { return Math.max(6, w * scale); });
    function layout(ids, key) {
      ids.sort(function (a, b) { return key(a) - key(b); });
      var at = left, pos = {};
      ids.forEach(function (i) { pos[i] = at; at += width[i] + 2; });
      return pos;
    }
    var all = objects.map(function (o, i) { return i; });
    var fromX = layout(all.filter(function (i) { return from[i] !== undefined; }), function (i) { return from[i]; });
    var toX = layout(all.filter(function (i) { return !promoted[i]; }), function (i) { return objects[i].addr; });
    var oldX = layout(all.filter(function (i) { return promoted[i]; }), function (i) { return i; });
    [['from', 'from-space'], ['to', 'to-space'], ['old', 'old space']].forEach(function (row) {
      svg('text', { x: left - 10, y: ROW[row[0]] + 16, 'text-anchor': 'end', 'font-size': 12, class: 'gc-row-label' }, root, row[1]);
      svg('line', { x1: left, x2: W - 20, y1: ROW[row[0]] + 30, y2: ROW[row[0]] + 30, stroke: '#d9dde4' }, root);
    });
    svg('text', { x: 8, y: ROW.to - 30, 'font-size': 12, class: 'gc-roots' }, root, 'roots');
    var boxes = objects.map(function (o, i) {
      var g = { label: letter(i) };
      if (fromX[i] !== undefined) {
        g.from = svg('rect', { x: fromX[i], y: ROW.from, width: width[i], height: 28, rx: 3 }, root);
        g.fromText = svg('text', { x: fromX[i] + width[i] / 2, y: ROW.from + 18, 'text-anchor': 'middle', 'font-size': 10 }, root, g.label);
      }
      var tx = promoted[i] ? oldX[i] : toX[i], ty = promoted[i] ? ROW.old : ROW.to;
      g.to = svg('rect', { x: tx, y: ty, width: width[i], height: 28, rx: 3 }, root);
      g.toText = svg('text', { x: tx + width[i] / 2, y: ty + 18, 'text-anchor': 'middle', 'font-size': 10 }, root, g.label + "'");
      g.tx = tx; g.ty = ty;
      svg('title', {}, g.to, g.label + "' " + o.label + ' (' + HEAPSIM.bytes(o.size) + ')');
      return g;
    });
    var arrow = svg('path', { fill: 'none', stroke: '#2f6fde', 'stroke-width': 2, 'marker-end': 'url(#gc-sc-arrow)', class: 'gc-arrow' }, root);
    var scanPtr = svg('g', { class: 'gc-scan-pointer' }, root);
    svg('path', { d: 'M0,0 l-6,12 l12,0 z', fill: '#2e8b57' }, scanPtr);
    svg('text', { x: 0, y: 24, 'text-anchor': 'middle', 'font-size': 10, fill: '#2e8b57' }, scanPtr, 'scan');
    var allocPtr = svg('g', { class: 'gc-alloc-pointer' }, root);
    svg('path', { d: 'M0,0 l-6,12 l12,0 z', fill: '#d1453b' }, allocPtr);
    svg('text', { x: 0, y: 36, 'text-anchor': 'middle', 'font-size': 10, fill: '#d1453b' }, allocPtr, 'allocation');

    // The to-space x of an address: the left edge of the drawn object there, the right edge
    // of the one ending there, or past the last drawn one.
    var toEnd = left;
    all.forEach(function (i) { if (!promoted[i]) toEnd = Math.max(toEnd, toX[i] + width[i]); });
    function xOfTo(a) {
      for (var i = 0; i < objects.length; i++) {
        if (promoted[i]) continue;
        if (objects[i].addr === a) return toX[i];
        if (objects[i].addr + objects[i].size === a) return toX[i] + width[i];
      }
      return r.dropped_steps ? toEnd + 14 : toEnd;
    }
    function link(a, b) {
      var x1 = a.x, y1 = a.y, x2 = b.x, y2 = b.y, mx = (x1 + x2) / 2, my = Math.min(y1, y2) - 30;
      return 'M' + x1 + ',' + y1 + ' Q' + mx + ',' + my + ' ' + x2 + ',' + y2;
    }
    function centre(i, where) {
      return where === 'from' ? { x: fromX[i] + width[i] / 2, y: ROW.from } : { x: boxes[i].tx + width[i] / 2, y: boxes[i].ty };
    }

    function show(k) {
      var st = { copied: [], scanned: [], scan: null, alloc: null, host: null, flipped: false };
      var caption = 'before the scavenge: the program allocates in one semi-space; the other is empty.';
      var line = null;
      for (var j = 0; j < k; j++) {
        var s = steps[j], i = index[s.to];
        line = null;
        switch (s.step) {
          case 'flip':
            st.flipped = true; st.scan = st.alloc = s.to_space;
            caption = 'flip: the semi-spaces swap; the full one becomes from-space, to-space is empty. Scan and allocation pointers start at its beginning.';
            break;
          case 'copy':
            st.copied[i] = true;
            if (!s.promoted) st.alloc = s.to + s.size;
            line = st.host === null ? null : [centre(index[st.host], 'to'), centre(i, 'to')];
            caption = (s.promoted ? 'promote ' : 'copy ') + boxes[i].label + ' (' + HEAPSIM.bytes(s.size) + ') ' +
              (s.promoted ? 'to old space: it survived a scavenge before (below the age mark).' : 'to to-space at the allocation pointer.') +
              ' Its old copy now holds the forwarding address.';
            break;
          case 'root':
            line = [{ x: 40, y: ROW.to - 26 }, centre(i, 'to')];
            caption = 'root ' + s.kind + '[' + s.index + '] now points at ' + boxes[i].label + "'.";
            break;
          case 'remembered_slot':
            line = [{ x: 40, y: ROW.old + 14 }, centre(i, 'to')];
            caption = 'an old object\'s slot (old-to-new remembered set) now points at ' + boxes[i].label + "'.";
            break;
          case 'scan':
            st.host = s.scan; st.scan = s.scan; st.alloc = s.alloc;
            st.scanned[index[s.scan]] = true;
            caption = 'scan ' + boxes[index[s.scan]].label + "': the scan pointer is behind the allocation pointer, so its fields are visited.";
            break;
          case 'scan_promoted':
            st.host = s.object; st.scanned[index[s.object]] = true;
            caption = 'scan the promoted ' + boxes[index[s.object]].label + "' (from the promotion queue).";
            break;
          case 'forwarded':
            line = st.host === null ? [{ x: 40, y: ROW.to - 26 }, centre(i, 'to')] : [centre(index[st.host], 'to'), centre(i, 'to')];
            caption = 'a reference to ' + boxes[i].label + ', already copied: its forwarding address gives ' + boxes[i].label + "'.";
            break;
          case 'done':
            st.scan = st.alloc = s.scan; st.host = null;
            caption = 'the scan pointer caught up with the allocation pointer: done. What was not copied is garbage; from-space is free.';
            break;
        }
      }
      boxes.forEach(function (b, i) {
        var current = k > 0 && (steps[k - 1].to === objects[i].addr || steps[k - 1].scan === objects[i].addr || steps[k - 1].object === objects[i].addr);
        if (b.from) {
          b.from.setAttribute('fill', st.copied[i] ? '#f4f6f9' : '#ffffff');
          b.from.setAttribute('stroke', st.copied[i] ? '#b9c0cc' : '#1d2330');
          b.from.setAttribute('stroke-dasharray', st.copied[i] ? '3 2' : 'none');
          // A copied object's old place holds its forwarding address (dashed).
          b.fromText.textContent = st.copied[i] && width[i] >= 28 ? '→' + b.label + "'" : b.label;
          b.fromText.setAttribute('fill', st.copied[i] ? '#8a93a3' : '#1d2330');
        }
        b.to.setAttribute('visibility', st.copied[i] ? 'visible' : 'hidden');
        b.toText.setAttribute('visibility', st.copied[i] ? 'visible' : 'hidden');
        b.to.setAttribute('fill', st.scanned[i] ? '#1d2330' : '#9aa3b2');
        b.toText.setAttribute('fill', st.scanned[i] ? '#ffffff' : '#1d2330');
        b.to.setAttribute('stroke', current ? '#2f6fde' : 'none');
        b.to.setAttribute('stroke-width', 2);
      });
      arrow.setAttribute('d', line ? link(line[0], line[1]) : '');
      var on = st.flipped ? 'visible' : 'hidden';
      scanPtr.setAttribute('visibility', on);
      allocPtr.setAttribute('visibility', on);
      if (st.flipped) {
        scanPtr.setAttribute('transform', 'translate(' + xOfTo(st.scan) + ',' + (ROW.to + 32) + ')');
        allocPtr.setAttribute('transform', 'translate(' + xOfTo(st.alloc) + ',' + (ROW.to + 32) + ')');
      }
      return caption;
    }
    player(section, steps.length, show);
  }

  // ----- one marking -------------------------------------------------------------------

  var COLOUR = { white: '#ffffff', grey: '#9aa3b2', black: '#1d2330' };

  function marking(section, r) {
    var objects = r.objects, steps = r.steps;
    legendNames(section, r);
    var index = {};
    objects.forEach(function (o, i) { index[o.addr] = i; });
    // Layered layout: depth 0 for objects greyed from the roots (or a black barrier host),
    // one more than the host for objects greyed through a field.
    var depth = [], edges = [];
    steps.forEach(function (s) {
      if (s.step !== 'grey') return;
      var i = index[s.object];
      if (s.host !== undefined && s.host in index) {
        var h = index[s.host];
        if (depth[h] === undefined) depth[h] = 0;
        if (depth[i] === undefined) depth[i] = depth[h] + 1;
        edges.push({ from: h, to: i, barrier: s.by === 'barrier' });
      } else if (depth[i] === undefined) depth[i] = 0;
    });
    objects.forEach(function (o, i) { if (depth[i] === undefined) depth[i] = 0; });
    var PER_COLUMN = 12, colW = 92, rowH = 26, left = 30, top = 20;
    var columns = [], x = [], y = [], col = 0;
    var maxDepth = Math.max.apply(null, [0].concat(depth));
    for (var d = 0; d <= maxDepth; d++) {
      var at = objects.map(function (o, i) { return i; }).filter(function (i) { return depth[i] === d; });
      at.forEach(function (i, n) {
        x[i] = left + (col + Math.floor(n / PER_COLUMN)) * colW;
        y[i] = top + (n % PER_COLUMN) * rowH + 12;
      });
      col += Math.max(1, Math.ceil(at.length / PER_COLUMN));
      columns.push(at);
    }
    var graphW = left + col * colW, W = Math.max(graphW + 170, 700), H = top + PER_COLUMN * rowH + 40;
    var root = svg('svg', { viewBox: '0 0 ' + W + ' ' + H, class: 'picture gc-marking-picture', role: 'img' }, section.querySelector('.gc-figure'));
    arrowHead(root, 'gc-mk-arrow', '#8a93a3');
    arrowHead(root, 'gc-mk-barrier', '#e0a458');
    var edgeEls = edges.map(function (e) {
      return svg('line', {
        x1: x[e.from] + 9, y1: y[e.from], x2: x[e.to] - 10, y2: y[e.to],
        stroke: e.barrier ? '#e0a458' : '#b9c0cc', 'stroke-width': e.barrier ? 2 : 1,
        'stroke-dasharray': e.barrier ? '5 3' : 'none', 'marker-end': e.barrier ? 'url(#gc-mk-barrier)' : 'url(#gc-mk-arrow)'
      }, root);
    });
    var nodes = objects.map(function (o, i) {
      var c = svg('circle', { cx: x[i], cy: y[i], r: 9, stroke: '#1d2330', 'stroke-width': 1.5, class: 'gc-object' }, root);
      svg('title', {}, c, letter(i) + ' ' + o.label + ' (' + HEAPSIM.bytes(o.size) + ')');
      svg('text', { x: x[i] + 12, y: y[i] + 4, 'font-size': 10 }, root, letter(i) + ' ' + o.label.slice(0, 10));
      return c;
    });
    // The worklist: a stack of the drawn objects on it (undrawn ones take entries too).
    var wx = graphW + 40, slots = Math.min(r.worklist_capacity, PER_COLUMN);
    svg('text', { x: wx, y: top, 'font-size': 12 }, root, 'worklist (capacity ' + HEAPSIM.count(r.worklist_capacity) + ')');
    var frame = svg('rect', { x: wx, y: top + 8, width: 110, height: slots * rowH, fill: 'none', stroke: '#5d6675', 'stroke-width': 1.5, class: 'gc-worklist' }, root);
    var slotText = [];
    for (var s = 0; s < slots; s++) {
      svg('line', { x1: wx, x2: wx + 110, y1: top + 8 + (s + 1) * rowH, y2: top + 8 + (s + 1) * rowH, stroke: '#d9dde4' }, root);
      slotText.push(svg('text', { x: wx + 55, y: top + 8 + (slots - s) * rowH - 8, 'text-anchor': 'middle', 'font-size': 11 }, root, ''));
    }
    var phase = svg('text', { x: wx, y: top + 8 + slots * rowH + 18, 'font-size': 11, class: 'gc-phase' }, root, '');

    function name(a) { return a in index ? letter(index[a]) : 'an undrawn object'; }

    function show(k) {
      var colour = objects.map(function () { return 'white'; }), stack = [], overflow = false;
      var mode = 'marking', caption = 'before marking: every object is white.', edgeOn = [];
      for (var j = 0; j < k; j++) {
        var s = steps[j], i = index[s.object];
        overflow = false;
        switch (s.step) {
          case 'grey':
            colour[i] = 'grey';
            if (s.host !== undefined && s.host in index) {
              if (s.by === 'barrier') colour[index[s.host]] = 'black';
              for (var q = 0; q < edges.length; q++) if (edges[q].to === i && edges[q].from === index[s.host]) edgeOn[q] = true;
            }
            if (s.pushed) stack.push(i); else overflow = true;
            caption = name(s.object) + ' turns grey (' + (s.by === 'root' ? 'a ' + s.kind + ' root points at it' : s.by === 'field' ? name(s.host) + ' points at it' :
              s.by === 'barrier' ? 'write barrier: the program stored it into the black ' + name(s.host) : s.by.replace('_', ' ')) + ')' +
              (s.pushed ? ' and is pushed on the worklist.' : ' but the worklist is full: overflow — it stays grey in the mark bits, not pushed.');
            break;
          case 'pop':
            if (stack.length && stack[stack.length - 1] === i) stack.pop();
            else stack = stack.filter(function (v) { return v !== i; });
            caption = 'pop ' + name(s.object) + ' and visit its fields.';
            break;
          case 'black':
            colour[i] = 'black';
            caption = name(s.object) + ' is black: all its fields are visited.';
            break;
          case 'rescan':
            caption = 'the worklist drained with the overflow flag set: walk the heap for grey objects (rescan #' + s.n + ').';
            break;
          case 'refill':
            stack.push(i);
            caption = 'the rescan finds the grey ' + name(s.object) + ' and pushes it.';
            break;
          case 'incremental_step':
            mode = 'incremental step ' + s.n;
            caption = 'incremental marking step ' + s.n + ': the marker visits about ' + HEAPSIM.count(s.budget_words) + ' words, then the program runs again.';
            break;
          case 'step_end':
            mode = 'program runs (write barrier on)';
            caption = 'step ' + s.n + ' ends: the program runs; stores into black objects go through the write barrier.';
            break;
          case 'finalize':
            mode = 'final pause';
            caption = 'final pause: the roots are rescanned and marking completes atomically.';
            break;
          case 'done':
            mode = 'done';
            caption = 'no grey object is left: black objects are live, white ones are garbage for the sweeper.';
            break;
        }
      }
      nodes.forEach(function (c, i) {
        c.setAttribute('fill', COLOUR[colour[i]]);
        var current = k > 0 && steps[k - 1].object === objects[i].addr;
        c.setAttribute('stroke', current ? '#2f6fde' : '#1d2330');
        c.setAttribute('stroke-width', current ? 3 : 1.5);
      });
      edgeEls.forEach(function (el, q) { el.setAttribute('visibility', edgeOn[q] ? 'visible' : 'hidden'); });
      var top = stack.slice(-slots);
      slotText.forEach(function (t, q) { t.textContent = q < top.length ? letter(top[q]) : ''; });
      frame.setAttribute('stroke', overflow ? '#d1453b' : '#5d6675');
      frame.setAttribute('stroke-width', overflow ? 3 : 1.5);
      phase.textContent = mode;
      return caption;
    }
    player(section, steps.length, show);
  }

  HEAPSIM.on('gc-timeline', timeline);
  HEAPSIM.on('gc-scavenge', function (section, r) { if (r) scavenge(section, r); });
  HEAPSIM.on('gc-marking', function (section, r) { if (r) marking(section, r); });
})();
