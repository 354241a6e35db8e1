// Server-side rendering whose component starts a setInterval in created(): one live timer per render.
//
// The talk's third case (tests/leaks/vue_ssr.js runs real Vue 2): on the server,
// `created()` runs for every render but nothing ever destroys the component, so the
// interval is never cleared. Each `Timeout` holds its callback, the callback holds the
// component, and Node's `TimersList` for the interval's duration holds every `Timeout`.
// A minimal Vue-like component class and renderer stand in for Vue.

// h(tag, children): a virtual DOM node.
function h(tag, children) {
  return { tag: tag, children: children };
}

function renderNode(node) {
  if (typeof node === 'string') {
    return node;
  }
  return `<${node.tag}>${node.children.map(renderNode).join('')}</${node.tag}>`;
}

class Component {
  constructor(props) {
    this.$props = props;
    this.$data = this.data();
    this.created();
  }

  data() {
    return {};
  }

  created() {}

  render() {
    return h('div', []);
  }
}

function renderToString(component) {
  return renderNode(component.render(h));
}

let ticks = 0;

class Clock extends Component {
  data() {
    const items = [];
    for (let i = 0; i < 20; i++) {
      items.push({ i: i, label: `item ${i}` });
    }
    return { now: 0, items: items };
  }

  created() {
    this.timer = setInterval(() => {
      this.$data.now = Date.now();
      ticks += 1;
    }, 60 * 1000);
  }

  render(h) {
    return h(
      'ul',
      this.$data.items.map((it) => h('li', [`${this.$props.n}: ${it.label}`]))
    );
  }
}

let renders = 0;
let bytes = 0;

function action() {
  const html = renderToString(new Clock({ n: renders }));
  bytes += html.length;
  renders += 1;
}

function back() {
  // The response is sent; a second of server time passes.
  advanceTime(1000);
  if (renders % 250 === 0) {
    console.log(`${renders} renders, ${bytes} bytes of HTML, ${ticks} clock ticks`);
  }
}

expect.leak({
  suspect: 'TimersList',
  accumulation: 'TimersList',
  path: 'timerListMap',
  leaked: 'Timeout',
});

module.exports = { action, back, repeat: 1000 };
