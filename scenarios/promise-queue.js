// A job queue whose worker stopped: every enqueued job waits forever with its promise and callbacks.
//
// `enqueue` returns a promise and parks its resolve/reject functions in `queue.pending`
// for a worker to settle. The worker crashed once and never restarted, so each request's
// job, its two resolving functions, its promise and the `then` callback stay queued.
class JobQueue {
  constructor() {
    this.pending = [];
    this.done = 0;
  }

  enqueue(job) {
    return new Promise((resolve, reject) => {
      this.pending.push({ job: job, resolve: resolve, reject: reject });
    });
  }

  // The worker: settles one job per call. Nothing calls it any more.
  work() {
    const entry = this.pending.pop();
    if (entry) {
      entry.resolve(entry.job.payload.length);
      this.done += 1;
    }
  }
}

global.queue = new JobQueue();
let requests = 0;
let answered = 0;

function action() {
  const job = { id: requests, payload: `${'job '.repeat(32)}${requests}` };
  queue.enqueue(job).then((size) => {
    answered += size;
  });
  requests += 1;
}

function back() {
  if (requests % 500 === 0) {
    console.log(`${requests} jobs queued, ${queue.pending.length} pending, ${queue.done} done`);
  }
}

expect.leak({
  suspect: 'JobQueue',
  accumulation: 'Array',
  path: 'queue.pending',
  leaked: '{job, resolve, reject}',
});

module.exports = { action, back, repeat: 2000 };
