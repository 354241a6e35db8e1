// Meteor's "replaceThing": closures sharing one context chain every replaced object to the next.
//
// `unused` refers to `originalThing`, so `originalThing` goes into the context that the
// function's closures share; `someMethod` is one of them and lives on in the new
// `theThing`. Each new thing thus holds the previous one through
// someMethod → context → originalThing, and nothing is ever freed.

// A global, as in the original browser example (`var theThing` at the top level).
global.theThing = null;
let replacements = 0;

function replaceThing() {
  const originalThing = global.theThing;
  const unused = function () {
    if (originalThing) {
      console.log('hi');
    }
  };
  global.theThing = {
    // The original's `new Array(1000000).join('*')`: one new big flat string per thing.
    // V8's `repeat` (and `join`) build a rope whose halves are shared, and `slice` keeps a
    // view of it; `toUpperCase` copies it into one flat string of its own. The varying
    // count keeps the call from being folded into one constant.
    longStr: 'x'.repeat(4000 + (replacements % 16)).toUpperCase(),
    someMethod: function someMethod() {
      return replacements;
    },
  };
  replacements += 1;
  return unused;
}

function back() {
  if (replacements % 250 === 0) {
    console.log(`${replacements} replacements, the newest says ${global.theThing.someMethod()}`);
  }
}

expect.leak({
  suspect: '{longStr, someMethod}',
  accumulation: '{longStr, someMethod}',
  path: 'theThing',
  leaked: '(string)',
});

module.exports = { action: replaceThing, back, repeat: 1000 };
