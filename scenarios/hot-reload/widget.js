// The module hot-reload.js reloads on every request: a table of rows built at load time.
const rows = [];
for (let i = 0; i < 200; i++) {
  rows.push({ id: i, name: `widget ${i}` });
}

module.exports = {
  find: (id) => rows[id],
  rows: rows,
};
