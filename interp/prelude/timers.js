// Node's timers, kept as Node keeps them, on the simulated clock.
//
// The rule (Node's lib/internal/timers.js and lib/internal/linkedlist.js, Node 20-24):
// every `Timeout` joins the `TimersList` of its duration (`timerListMap[msecs]`), a
// circular doubly linked list through `_idleNext` / `_idlePrev` whose oldest timer is
// `list._idlePrev`. The lists themselves sit in a binary min-heap (`timerListQueue`)
// ordered by `expiry`, ties by list `id`. When the clock reaches a list's expiry, its due
// timers run oldest first; an interval is re-appended with its start set to the time it
// ran; a list left empty leaves both the map and the queue. `clearTimeout` unlinks the
// timer and drops its list if that empties it. A list is thus reachable from both the map
// and the queue, so in a heap snapshot no single object dominates it — as in Node.
//
// Differences from Node (the subset has no symbols, private fields, rest parameters or
// null-prototype objects): `timerListMap` is a plain `{}` (its keys are durations, which no
// `Object.prototype` property shadows); the queue's fields are `_heap` / `_size`; async-id
// and ref-count symbols are absent; callbacks get no extra arguments (use a closure); a
// clamped duration prints no TimeoutOverflowWarning; a cleared timer's `_onTimeout` is
// null (Node 24 sets undefined).
//
// The clock is native (`__heapsim.now()` / `__heapsim.setNow(ms)`, docs/scenario-runtime.md)
// and moves only in `advanceTime(ms)`: timers never fire on their own, so a run is the same
// under the interpreter and under real Node (scenarios/node/harness.js installs these
// functions in place of Node's).
'use strict';

// Node's limit: a duration outside [1, 2^31 - 1] becomes 1.
const TIMEOUT_MAX = 2147483647;

let timerListId = 0;
const timerListMap = {};
let running = false;

class Timeout {
  constructor(callback, after, isRepeat) {
    let ms = after * 1;
    if (!(ms >= 1 && ms <= TIMEOUT_MAX)) {
      ms = 1;
    }
    this._idleTimeout = ms;
    this._idlePrev = this;
    this._idleNext = this;
    this._idleStart = null;
    this._onTimeout = callback;
    this._timerArgs = undefined;
    this._repeat = isRepeat ? ms : null;
    this._destroyed = false;
  }

  close() {
    clearTimeout(this);
    return this;
  }
}

class TimersList {
  constructor(expiry, msecs) {
    this._idleNext = this;
    this._idlePrev = this;
    this.expiry = expiry;
    this.id = timerListId;
    timerListId += 1;
    this.msecs = msecs;
    this.priorityQueuePosition = null;
  }
}

// Node's PriorityQueue specialised to timer lists: a binary heap keeping each list's index
// in `priorityQueuePosition`, so `clearTimeout` can remove a list from the middle.
class TimerListQueue {
  constructor() {
    this._heap = [];
    this._size = 0;
  }
}

const timerListQueue = new TimerListQueue();

function listBefore(a, b) {
  if (a.expiry !== b.expiry) {
    return a.expiry < b.expiry;
  }
  return a.id < b.id;
}

function placeAt(queue, i, list) {
  queue._heap[i] = list;
  list.priorityQueuePosition = i;
}

function siftUp(queue, start) {
  const heap = queue._heap;
  const list = heap[start];
  let i = start;
  while (i > 0) {
    const parent = Math.floor((i - 1) / 2);
    if (!listBefore(list, heap[parent])) {
      break;
    }
    placeAt(queue, i, heap[parent]);
    i = parent;
  }
  placeAt(queue, i, list);
}

function siftDown(queue, start) {
  const heap = queue._heap;
  const list = heap[start];
  let i = start;
  while (true) {
    let child = 2 * i + 1;
    if (child >= queue._size) {
      break;
    }
    if (child + 1 < queue._size && listBefore(heap[child + 1], heap[child])) {
      child += 1;
    }
    if (!listBefore(heap[child], list)) {
      break;
    }
    placeAt(queue, i, heap[child]);
    i = child;
  }
  placeAt(queue, i, list);
}

function queueInsert(queue, list) {
  placeAt(queue, queue._size, list);
  queue._size += 1;
  siftUp(queue, queue._size - 1);
}

function queuePeek(queue) {
  return queue._size === 0 ? undefined : queue._heap[0];
}

function queueRemoveAt(queue, i) {
  const last = queue._size - 1;
  const moved = queue._heap[last];
  queue._heap[last] = undefined;
  queue._size = last;
  if (i < last) {
    placeAt(queue, i, moved);
    siftDown(queue, i);
    siftUp(queue, moved.priorityQueuePosition);
  }
}

// The timer linked list: newest right after the list head, oldest at `list._idlePrev`.
function unlink(item) {
  if (item._idleNext) {
    item._idleNext._idlePrev = item._idlePrev;
  }
  if (item._idlePrev) {
    item._idlePrev._idleNext = item._idleNext;
  }
  item._idleNext = null;
  item._idlePrev = null;
}

function append(list, item) {
  if (item._idleNext || item._idlePrev) {
    unlink(item);
  }
  item._idleNext = list._idleNext;
  list._idleNext._idlePrev = item;
  item._idlePrev = list;
  list._idleNext = item;
}

function oldest(list) {
  return list._idlePrev === list ? null : list._idlePrev;
}

function insert(item, msecs, start) {
  item._idleStart = start;
  let list = timerListMap[msecs];
  if (list === undefined) {
    list = new TimersList(start + msecs, msecs);
    timerListMap[msecs] = list;
    queueInsert(timerListQueue, list);
  }
  append(list, item);
}

function checkCallback(callback) {
  if (typeof callback !== 'function') {
    throw new TypeError(
      `The "callback" argument must be of type function. Received ${typeof callback}`
    );
  }
}

function setTimeout(callback, after) {
  checkCallback(callback);
  const timeout = new Timeout(callback, after, false);
  insert(timeout, timeout._idleTimeout, __heapsim.now());
  return timeout;
}

function setInterval(callback, repeat) {
  checkCallback(callback);
  const timeout = new Timeout(callback, repeat, true);
  insert(timeout, timeout._idleTimeout, __heapsim.now());
  return timeout;
}

function clearTimeout(timer) {
  if (!timer || !timer._onTimeout || timer._destroyed) {
    return;
  }
  timer._onTimeout = null;
  timer._destroyed = true;
  unlink(timer);
  const list = timerListMap[timer._idleTimeout];
  if (list !== undefined && list._idleNext === list) {
    queueRemoveAt(timerListQueue, list.priorityQueuePosition);
    delete timerListMap[list.msecs];
  }
  timer._idleTimeout = -1;
}

// Node's clearInterval is clearTimeout: both accept either kind of timer.
const clearInterval = clearTimeout;

// Runs the timers of `list` due at `now`, oldest first (Node's listOnTimeout).
function runList(list, now) {
  let timer = oldest(list);
  while (timer !== null) {
    if (now < timer._idleStart + list.msecs) {
      // The rest of the list is younger: reschedule the list for its oldest timer.
      list.expiry = timer._idleStart + list.msecs;
      list.id = timerListId;
      timerListId += 1;
      siftDown(timerListQueue, list.priorityQueuePosition);
      return;
    }
    unlink(timer);
    const callback = timer._onTimeout;
    if (callback) {
      callback();
      if (timer._repeat !== null && timer._idleTimeout !== -1) {
        timer._idleTimeout = timer._repeat;
        insert(timer, timer._idleTimeout, now);
      } else if (timer._idleTimeout !== -1) {
        timer._destroyed = true;
      }
    }
    timer = oldest(list);
  }
  if (list === timerListMap[list.msecs]) {
    delete timerListMap[list.msecs];
    queueRemoveAt(timerListQueue, list.priorityQueuePosition);
  }
}

// The harness's clock driver: moves the clock forward by `ms`, stopping at each list's
// expiry on the way to run its due timers, and ends at exactly now + ms.
function advanceTime(ms) {
  if (typeof ms !== 'number' || !(ms >= 0)) {
    throw new RangeError(`advanceTime(ms): ms must be a non-negative number, not ${ms}`);
  }
  if (running) {
    throw new Error('advanceTime() called from a timer callback');
  }
  const until = __heapsim.now() + ms;
  running = true;
  try {
    let list = queuePeek(timerListQueue);
    while (list !== undefined && list.expiry <= until) {
      __heapsim.setNow(list.expiry);
      runList(list, list.expiry);
      list = queuePeek(timerListQueue);
    }
  } catch (e) {
    running = false;
    throw e;
  }
  running = false;
  __heapsim.setNow(until);
}

module.exports = {
  setTimeout,
  setInterval,
  clearTimeout,
  clearInterval,
  advanceTime,
  Timeout,
  TimersList,
};
