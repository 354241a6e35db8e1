// heapsim report: the error guard, the page's first script. Every uncaught error, rejected
// promise, console.error and blocked load is listed in #page-errors and counted in
// <html data-errors>, so a broken report shows it (and a headless test reads it).
(function () {
  var errors = [];
  function show() {
    document.documentElement.setAttribute('data-errors', String(errors.length));
    var banner = document.getElementById('page-errors');
    if (banner) {
      banner.hidden = false;
      banner.textContent = 'This report hit an error: ' + errors.join(' | ');
    }
  }
  function report(message) {
    errors.push(String(message));
    show();
  }
  window.addEventListener('error', function (e) {
    var where = e.filename ? ' (' + e.filename + ':' + e.lineno + ')' : '';
    report((e.message || 'a resource failed to load') + where);
  }, true);
  window.addEventListener('unhandledrejection', function (e) {
    report('unhandled rejection: ' + e.reason);
  });
  document.addEventListener('securitypolicyviolation', function (e) {
    report('blocked by the offline policy: ' + e.blockedURI);
  });
  var consoleError = console.error;
  console.error = function () {
    report(Array.prototype.join.call(arguments, ' '));
    return consoleError.apply(console, arguments);
  };
  window.HEAPSIM_GUARD = { report: report, show: show, count: function () { return errors.length; } };
})();
