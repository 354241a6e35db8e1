// heapsim report: the object panel. HEAPSIM.showObject(panel, '@id') shows one object of
// HEAPSIM.data.objects (report::leak::objects): its sizes, fields, retainers and path.
HEAPSIM.showObject = function (panel, key) {
  var el = HEAPSIM.el, o = HEAPSIM.data.objects[key];
  panel.textContent = '';
  if (!o) {
    panel.appendChild(el('p', { class: 'muted' }, 'No details for ' + key + '.'));
    return;
  }
  function edge(st) {
    var name = st.edge_type === 'element' || st.edge_type === 'hidden' ? '[' + st.edge + ']' : st.edge;
    return el('li', {}, el('span', { class: 'muted' }, st.edge_type + ' '), name, ' → ',
      st.class, ' ', el('span', { class: 'muted' }, '@' + st.id));
  }
  function list(title, items, more) {
    panel.appendChild(el('b', {}, title));
    var ul = el('ul');
    items.forEach(function (st) { ul.appendChild(edge(st)); });
    if (more > 0) ul.appendChild(el('li', { class: 'muted' }, '… ' + more + ' more'));
    if (!items.length) ul.appendChild(el('li', { class: 'muted' }, 'none'));
    panel.appendChild(ul);
  }
  panel.appendChild(el('h4', {}, o.class + ' @' + o.id));
  panel.appendChild(el('p', {}, el('span', { class: 'muted' }, o.type + ' · '), o.name));
  panel.appendChild(el('p', {}, 'Shallow ' + HEAPSIM.bytes(o.self_size) + ' · retained ' +
    HEAPSIM.bytes(o.retained_size) + ' (' + HEAPSIM.count(o.retained_size) + ' bytes)'));
  list('Fields', o.fields, o.more_fields);
  list('Retainers', o.retainers, o.more_retainers);
  panel.appendChild(el('b', {}, 'Retainer path'));
  panel.appendChild(el('p', {}, o.path.text));
};
