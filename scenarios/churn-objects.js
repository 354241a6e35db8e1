// Control: heavy allocation churn (objects, arrays, strings) with only a small bounded cache kept.
//
// Each action builds a few hundred short-lived objects, joins them into a report string
// and keeps just the last 16 reports. Scavenges and promotions happen all the time, yet the
// live heap stays flat: no leak.
const recent = [];
let actions = 0;
let totalLength = 0;

function buildReport(n) {
  const rows = [];
  for (let i = 0; i < 300; i++) {
    rows.push({ id: i, label: `row ${i} of ${n}`, values: [i, i * 2, i * 3] });
  }
  const lines = rows.filter((r) => r.id % 3 === 0).map((r) => `${r.label}=${r.values.join(',')}`);
  return lines.join('\n');
}

function action() {
  const report = buildReport(actions);
  totalLength += report.length;
  recent.push(report);
  if (recent.length > 16) {
    recent.splice(0, 1);
  }
  actions += 1;
}

function back() {
  if (actions % 500 === 0) {
    console.log(`${actions} reports, ${totalLength} characters, ${recent.length} kept`);
  }
}

expect.noLeak();

module.exports = { action, back, repeat: 1500 };
