// Keeps a live page current without reloading it: polls a small state URL with its ETag (a 304 costs almost
// nothing) and, when the state changes, fetches the page again and swaps the part marked data-live. Focus
// stays where it was, a polite live region announces the new state, and the title follows. On the
// teacher's console, buttons are sent in the background (the page does not jump to the top) and have
// keyboard shortcuts that can be turned off. Without JavaScript every page still works: pages with nothing
// to fill in refresh themselves through <noscript><meta refresh>, and buttons are plain forms.
(function () {
  "use strict";
  var main = document.querySelector("[data-poll]");
  if (!main) { return; }
  var url = main.getAttribute("data-poll");
  var every = parseInt(main.getAttribute("data-poll-every") || "2500", 10);
  // The state this page was rendered from: any other answer from the server means "changed".
  var etag = main.getAttribute("data-etag");
  var SHORTCUTS_KEY = "kizuna-shortcuts";
  var dirty = false;

  document.addEventListener("input", function (event) {
    if (event.target.form && event.target.form.hasAttribute("data-keep")) { dirty = true; }
  });

  function pageUrl() {
    return window.location.href.split("#")[0];
  }

  // A form the learner is filling in: never swapped away while the fresh page still has it.
  function formInProgress(fresh) {
    var current = document.querySelector("[data-live] form[data-keep]");
    if (!current) { return false; }
    var active = document.activeElement;
    var busy = dirty || (active && active.form === current);
    return busy && !!fresh.querySelector('form[data-keep][data-form="' + current.getAttribute("data-form") + '"]');
  }

  function focusKey(element) {
    if (!element || element === document.body) { return null; }
    if (element.id) { return "#" + element.id; }
    if (element.getAttribute("data-action")) { return '[data-action="' + element.getAttribute("data-action") + '"]'; }
    return null;
  }

  function swapIn(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var fresh = doc.querySelector("[data-live]");
    var current = document.querySelector("[data-live]");
    var freshMain = doc.querySelector("[data-poll]");
    if (freshMain) { etag = freshMain.getAttribute("data-etag"); }
    if (!fresh || !current || formInProgress(fresh)) { return; }
    var hadFocus = current.contains(document.activeElement);
    var key = hadFocus ? focusKey(document.activeElement) : null;
    var before = current.getAttribute("data-announce");
    current.replaceWith(fresh);
    dirty = false;
    document.title = doc.title;
    setUpShortcuts();
    if (hadFocus) {
      var target = (key && fresh.querySelector(key)) || fresh.querySelector("[data-shortcuts]") || fresh;
      if (!target.hasAttribute("tabindex") && !/^(A|BUTTON|INPUT|SELECT|TEXTAREA|SUMMARY)$/.test(target.tagName)) {
        target.setAttribute("tabindex", "-1");
      }
      target.focus({ preventScroll: true });
    }
    var announce = fresh.getAttribute("data-announce");
    var status = document.getElementById("live-status");
    if (status && announce && announce !== before) { status.textContent = announce; }
  }

  function refresh() {
    return fetch(pageUrl(), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) { if (html) { swapIn(html); } });
  }

  function poll() {
    fetch(url, { credentials: "same-origin", cache: "no-store", headers: { "If-None-Match": etag } })
      .then(function (response) { if (response.status === 200) { return refresh(); } })
      .catch(function () { /* offline for a moment: try again on the next tick */ })
      .then(function () { window.setTimeout(poll, every); });
  }

  // The console's buttons, sent without leaving the page; the answer is the console as it now is.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-async")) { return; }
    event.preventDefault();
    var button = form.querySelector("button");
    var body = new FormData(form);
    if (button) { button.disabled = true; }  // a double click sends once
    // getAttribute: form.action would be the hidden <input name="action"> of the pacing buttons.
    fetch(form.getAttribute("action") || pageUrl(), { method: "POST", body: body, credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        if (html.indexOf("data-live") === -1) { window.location.reload(); return; }  // an error page: show the real state
        swapIn(html);
      })
      .catch(function () { window.location.reload(); });
  });

  function shortcutsOn() {
    try { return window.localStorage.getItem(SHORTCUTS_KEY) !== "off"; } catch (e) { return true; }
  }

  function setUpShortcuts() {
    var help = document.querySelector("[data-shortcut-help]");
    if (!help) { return; }
    help.hidden = false;
    var toggle = help.querySelector("[data-shortcut-toggle]");
    toggle.checked = shortcutsOn();
    toggle.addEventListener("change", function () {
      try { window.localStorage.setItem(SHORTCUTS_KEY, toggle.checked ? "on" : "off"); } catch (e) { /* private mode */ }
    });
  }

  // Single letters (S, R, N, P) on the console only, never while typing in a field, and only while on.
  document.addEventListener("keydown", function (event) {
    if (!document.querySelector("[data-shortcuts]") || !shortcutsOn()) { return; }
    if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) { return; }
    var target = event.target;
    if (target.isContentEditable || /^(TEXTAREA|SELECT)$/.test(target.tagName) ||
        (target.tagName === "INPUT" && !/^(checkbox|radio|button|submit)$/.test(target.type))) { return; }
    // The letter as typed, or the key's place on a Latin keyboard for other layouts (Arabic, Japanese kana).
    var letter = (event.key || "").toLowerCase();
    if (!/^[a-z]$/.test(letter) && /^Key[A-Z]$/.test(event.code || "")) { letter = event.code.charAt(3).toLowerCase(); }
    var button = document.querySelector('[data-live] button[data-key="' + letter + '"]');
    if (!button || button.disabled) { return; }
    event.preventDefault();
    button.form.requestSubmit(button);
  });

  setUpShortcuts();
  window.setTimeout(poll, every);
})();
