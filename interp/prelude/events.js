// Node's EventEmitter, storing its listeners exactly as Node does.
//
// The rule (Node's lib/events.js, Node 20-24): an emitter owns `_events`, an object keyed
// by event name, and `_eventsCount`, the number of keys. The first listener of an event is
// stored directly (`_events.error === fn`); the second turns the entry into an Array
// `[first, second]`, and further ones are pushed. Removing down to one listener stores it
// directly again; removing the last deletes the key, and when no event is left `_events`
// is replaced by a fresh empty object. `_maxListeners` is `undefined` until
// `setMaxListeners(n)`, and `EventEmitter.defaultMaxListeners` (10) applies meanwhile; 0
// means no limit. When an Array grows past the limit, Node marks it (`warned = true` on
// the Array) and emits, once per Array, the warning
//   MaxListenersExceededWarning: Possible EventEmitter memory leak detected. 11 error
//   listeners added to [Client]. MaxListeners is 10. Use emitter.setMaxListeners() to
//   increase limit
// `once` stores a wrapper function whose `listener` property is the original, which
// `off` and `listenerCount` recognise. `emit` calls a copy of the Array, so listeners
// removed during an emit still run once. 'newListener' and 'removeListener' are emitted
// around additions and removals when someone listens to them.
//
// Differences from Node (the language subset): `_events` is a plain `{}` (Node's has a
// null prototype, so an event named like an `Object.prototype` property is not
// supported); the capture-rejection and shape-mode symbols are absent; `emit` forwards at
// most four arguments; a non-object unhandled 'error' is shown with `${}`, not `inspect`; the `once` wrapper is a closure rather than a bound function;
// listeners are called with `this` = the emitter through `__heapsim.apply`, and the
// warning is printed through `__heapsim.emitWarning` (docs/scenario-runtime.md).
'use strict';

function checkListener(listener) {
  if (typeof listener !== 'function') {
    throw new TypeError(
      `The "listener" argument must be of type function. Received ${typeof listener}`
    );
  }
}

// `existing` is the listener or Array stored for `type`, or undefined.
function isListener(existing, listener) {
  return existing === listener || existing.listener === listener;
}

function maxListenersOf(emitter) {
  return emitter._maxListeners === undefined
    ? EventEmitter.defaultMaxListeners
    : emitter._maxListeners;
}

function warnIfOverLimit(emitter, type, list) {
  const max = maxListenersOf(emitter);
  if (max > 0 && list.length > max && !list.warned) {
    list.warned = true;
    __heapsim.emitWarning(
      'MaxListenersExceededWarning',
      `Possible EventEmitter memory leak detected. ${list.length} ${type} listeners ` +
        `added to [${emitter.constructor.name}]. MaxListeners is ${max}. ` +
        'Use emitter.setMaxListeners() to increase limit'
    );
  }
}

function addListener(emitter, type, listener) {
  checkListener(listener);
  let events = emitter._events;
  if (events === undefined) {
    events = {};
    emitter._events = events;
    emitter._eventsCount = 0;
  } else if (events.newListener !== undefined) {
    emitter.emit('newListener', type, listener.listener ? listener.listener : listener);
    events = emitter._events;
  }
  const existing = events[type];
  if (existing === undefined) {
    events[type] = listener;
    emitter._eventsCount += 1;
  } else if (typeof existing === 'function') {
    const list = [existing, listener];
    events[type] = list;
    warnIfOverLimit(emitter, type, list);
  } else {
    existing.push(listener);
    warnIfOverLimit(emitter, type, existing);
  }
  return emitter;
}

// Drops the key `type` (its last listener is gone), as Node does.
function deleteEvent(emitter, type) {
  emitter._eventsCount -= 1;
  if (emitter._eventsCount === 0) {
    emitter._events = {};
  } else {
    delete emitter._events[type];
  }
}

function copyOf(list) {
  const copy = [];
  for (const item of list) {
    copy.push(item);
  }
  return copy;
}

function onceWrapper(emitter, type, listener) {
  const state = { fired: false, wrapFn: undefined, target: emitter, type: type, listener: listener };
  const wrapped = function (a, b, c, d) {
    if (!state.fired) {
      state.target.removeListener(state.type, state.wrapFn);
      state.fired = true;
      return __heapsim.apply(state.listener, state.target, [a, b, c, d]);
    }
    return undefined;
  };
  wrapped.listener = listener;
  state.wrapFn = wrapped;
  return wrapped;
}

function unhandledError(er) {
  if (typeof er === 'object' && er !== null) {
    return er;
  }
  return new Error(`Unhandled error. (${er})`);
}

class EventEmitter {
  constructor() {
    this._events = {};
    this._eventsCount = 0;
    this._maxListeners = undefined;
  }

  setMaxListeners(n) {
    if (typeof n !== 'number') {
      throw new TypeError(
        `The "setMaxListeners" argument must be of type number. Received type ${typeof n}`
      );
    }
    if (n < 0 || n !== n) {
      throw new RangeError(
        `The value of "setMaxListeners" is out of range. It must be >= 0. Received ${n}`
      );
    }
    this._maxListeners = n;
    return this;
  }

  getMaxListeners() {
    return maxListenersOf(this);
  }

  on(type, listener) {
    return addListener(this, type, listener);
  }

  addListener(type, listener) {
    return addListener(this, type, listener);
  }

  once(type, listener) {
    checkListener(listener);
    return addListener(this, type, onceWrapper(this, type, listener));
  }

  off(type, listener) {
    return this.removeListener(type, listener);
  }

  removeListener(type, listener) {
    checkListener(listener);
    const events = this._events;
    const list = events === undefined ? undefined : events[type];
    if (list === undefined) {
      return this;
    }
    if (isListener(list, listener)) {
      deleteEvent(this, type);
      if (this._events.removeListener !== undefined) {
        this.emit('removeListener', type, list.listener ? list.listener : listener);
      }
      return this;
    }
    if (typeof list === 'function') {
      return this;
    }
    let position = -1;
    for (let i = list.length - 1; i >= 0; i--) {
      if (isListener(list[i], listener)) {
        position = i;
        break;
      }
    }
    if (position < 0) {
      return this;
    }
    list.splice(position, 1);
    if (list.length === 1) {
      events[type] = list[0];
    }
    if (events.removeListener !== undefined) {
      this.emit('removeListener', type, listener);
    }
    return this;
  }

  removeAllListeners(type) {
    const events = this._events;
    if (events === undefined) {
      return this;
    }
    if (events.removeListener === undefined) {
      if (type === undefined) {
        this._events = {};
        this._eventsCount = 0;
      } else if (events[type] !== undefined) {
        deleteEvent(this, type);
      }
      return this;
    }
    if (type === undefined) {
      for (const key of Object.keys(events)) {
        if (key !== 'removeListener') {
          this.removeAllListeners(key);
        }
      }
      this.removeAllListeners('removeListener');
      this._events = {};
      this._eventsCount = 0;
      return this;
    }
    const listeners = events[type];
    if (typeof listeners === 'function') {
      this.removeListener(type, listeners);
    } else if (listeners !== undefined) {
      for (let i = listeners.length - 1; i >= 0; i--) {
        this.removeListener(type, listeners[i]);
      }
    }
    return this;
  }

  emit(type, a, b, c, d) {
    const events = this._events;
    const handler = events === undefined ? undefined : events[type];
    if (handler === undefined) {
      if (type === 'error') {
        throw unhandledError(a);
      }
      return false;
    }
    const args = [a, b, c, d];
    if (typeof handler === 'function') {
      __heapsim.apply(handler, this, args);
    } else {
      for (const listener of copyOf(handler)) {
        __heapsim.apply(listener, this, args);
      }
    }
    return true;
  }

  listenerCount(type, listener) {
    const events = this._events;
    const stored = events === undefined ? undefined : events[type];
    if (stored === undefined) {
      return 0;
    }
    if (typeof stored === 'function') {
      return listener === undefined || isListener(stored, listener) ? 1 : 0;
    }
    if (listener === undefined) {
      return stored.length;
    }
    let count = 0;
    for (const item of stored) {
      if (isListener(item, listener)) {
        count += 1;
      }
    }
    return count;
  }
}

// Node keeps these on the prototype, so an object that never ran the constructor still
// reads as an emitter without listeners.
EventEmitter.prototype._events = undefined;
EventEmitter.prototype._eventsCount = 0;
EventEmitter.prototype._maxListeners = undefined;
EventEmitter.defaultMaxListeners = 10;
EventEmitter.EventEmitter = EventEmitter;

module.exports = EventEmitter;
