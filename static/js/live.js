// Keeps a live page current without reloading it needlessly: polls a small state URL with its ETag
// (a 304 costs almost nothing) and, when the state changes, fetches the page again and swaps the part
// marked data-live. Without JavaScript the page refreshes itself through <noscript><meta refresh>.
(function () {
  "use strict";
  var main = document.querySelector("[data-poll]");
  if (!main) { return; }
  var url = main.getAttribute("data-poll");
  var every = parseInt(main.getAttribute("data-poll-every") || "2500", 10);
  // The state this page was rendered from: any other answer from the server means "changed".
  var etag = main.getAttribute("data-etag");

  function busy() {
    // Never swap the page under a learner who is choosing or typing an answer.
    var active = document.activeElement;
    return active && active.form && active.form.hasAttribute("data-keep");
  }

  function swap() {
    return fetch(window.location.href, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) { return; }
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.querySelector("[data-live]");
        var current = document.querySelector("[data-live]");
        if (fresh && current) { current.replaceWith(fresh); }
        var freshMain = doc.querySelector("[data-poll]");
        if (freshMain) { etag = freshMain.getAttribute("data-etag"); }
      });
  }

  function poll() {
    fetch(url, { credentials: "same-origin", cache: "no-store", headers: { "If-None-Match": etag } })
      .then(function (response) {
        if (response.status === 200 && !busy()) {
          etag = response.headers.get("ETag");
          return swap();
        }
      })
      .catch(function () { /* offline for a moment: try again on the next tick */ })
      .then(function () { window.setTimeout(poll, every); });
  }

  window.setTimeout(poll, every);
})();
