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
    // V8's `repeat` builds a rope whose halves are shared, so `slice` flattens it, and
    // the varying count keeps the call from being folded into one constant.
    longStr: '*'.repeat(4000 + (replacements % 16)).slice(1),
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
  leaked: 'someMethod',
});

module.exports = { action: replaceThing, back, repeat: 1000 };
