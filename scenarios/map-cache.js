// A Map used as a page cache with no eviction: one entry per distinct URL, forever.
//
// The most common leak in Node services: memoising by a key that never repeats (a URL
// with a query string, a user id, a timestamp). The cache keeps every rendered page.
const cache = new Map();
// Shared like any cache: the app object holds it for its admin page.
global.app = { name: 'shop', pages: cache };
let requests = 0;

function renderPage(url) {
  let page = cache.get(url);
  if (page === undefined) {
    page = { url: url, html: `<main>${'content '.repeat(16)}${url}</main>`, hits: 0 };
    cache.set(url, page);
  }
  page.hits += 1;
  return page.html;
}

function action() {
  renderPage(`/search?q=${requests}`);
  renderPage('/home');
  requests += 1;
}

function back() {
  if (requests % 1000 === 0) {
    console.log(`${requests} requests, ${cache.size} cached pages`);
  }
}

expect.leak({
  suspect: 'Map',
  accumulation: 'Map',
  path: 'pages',
  leaked: '{url, html}',
});

module.exports = { action, back, repeat: 5000 };
