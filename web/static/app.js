/* modusearch: suggestions as you type, keyboard navigation and related documents in place.
   Plain JavaScript, no framework, no build step; every page also works without it. */
(function () {
  "use strict";

  var DEBOUNCE_MS = 90;
  var input = document.getElementById("q");
  var list = document.getElementById("suggestions");
  var status = document.getElementById("sr-status");

  function announce(text) {
    if (status) { status.textContent = ""; window.setTimeout(function () { status.textContent = text; }, 30); }
  }

  function isTyping(el) {
    return el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT" || el.isContentEditable);
  }

  /* On a phone the filters start folded. */
  var facetBox = document.querySelector(".facet-box");
  if (facetBox && window.matchMedia && window.matchMedia("(max-width: 820px)").matches) { facetBox.open = false; }

  /* ---- suggestions (ARIA combobox with a listbox) ---- */
  var items = [];
  var active = -1;
  var timer = null;
  var controller = null;
  var lastQuery = null;

  function closeList() {
    if (!list) { return; }
    list.hidden = true;
    list.textContent = "";
    items = [];
    active = -1;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function setActive(index) {
    if (!items.length) { return; }
    if (active >= 0) { list.children[active].setAttribute("aria-selected", "false"); }
    active = (index + items.length) % items.length;
    var option = list.children[active];
    option.setAttribute("aria-selected", "true");
    input.setAttribute("aria-activedescendant", option.id);
    option.scrollIntoView({ block: "nearest" });
  }

  /* A document suggestion (a title or a repository) opens the document; a lab opens its page; a word or a
     completed query is searched (in the lab the box is scoped to). */
  function targetUrl(item) {
    if ((item.type === "title" || item.type === "repo") && /^https?:\/\//.test(item.url || "")) { return item.url; }
    if (item.type === "lab") { return "/labs/" + encodeURIComponent(item.text); }
    var url = "/search?q=" + encodeURIComponent(item.text);
    var scope = list.getAttribute("data-scope-lab");
    if (scope) { url += "&lab=" + encodeURIComponent(scope); }
    return url;
  }

  function go(item) { window.location.assign(targetUrl(item)); }

  function render(query, suggestions) {
    list.textContent = "";
    items = suggestions;
    active = -1;
    if (!suggestions.length) { closeList(); return; }
    suggestions.forEach(function (item, i) {
      var li = document.createElement("li");
      li.id = "sugg-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.setAttribute("data-type", item.type);
      var text = document.createElement("span");
      text.className = "sugg-text";
      appendMarked(text, item.text, item.match);
      var type = document.createElement("span");
      type.className = "sugg-type";
      type.textContent = list.getAttribute("data-type-" + item.type) || item.type;
      li.appendChild(text);
      li.appendChild(type);
      li.addEventListener("mousedown", function (event) { event.preventDefault(); go(item); });
      list.appendChild(li);
    });
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    announce((list.getAttribute("data-count-text") || "{n}").replace("{n}", String(suggestions.length)));
  }

  /* The characters that stand for what was typed, in bold (the server says which: 풀이 → 풀잎 of 풀잎스쿨). */
  function appendMarked(parent, text, match) {
    if (!match || match.length !== 2 || match[0] >= match[1]) { parent.textContent = text; return; }
    var chars = Array.from(text);  /* the offsets count code points (an emoji is one), as the server does */
    var start = Math.max(0, match[0]), end = Math.min(chars.length, match[1]);
    if (start > 0) { parent.appendChild(document.createTextNode(chars.slice(0, start).join(""))); }
    var bold = document.createElement("b");
    bold.textContent = chars.slice(start, end).join("");
    parent.appendChild(bold);
    if (end < chars.length) { parent.appendChild(document.createTextNode(chars.slice(end).join(""))); }
  }

  function fetchSuggestions() {
    var query = input.value;
    if (query === lastQuery) { return; }
    lastQuery = query;
    if (!query.trim()) { closeList(); return; }
    if (controller) { controller.abort(); }
    controller = window.AbortController ? new AbortController() : null;
    fetch("/api/suggest?limit=8&q=" + encodeURIComponent(query), controller ? { signal: controller.signal } : {})
      .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
      .then(function (data) { if (input.value === query) { render(query, data.suggestions || []); } })
      .catch(function () { /* aborted by a newer keystroke, or offline: the form still works */ });
  }

  if (input && list) {
    /* "input" also fires while an IME is composing a syllable (풀이 on the way to 풀잎): suggest then too. */
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(fetchSuggestions, DEBOUNCE_MS);
    });
    input.addEventListener("focus", function () { lastQuery = null; if (input.value.trim()) { fetchSuggestions(); } });
    input.addEventListener("blur", function () { window.setTimeout(closeList, 150); });
    input.addEventListener("keydown", function (event) {
      if (event.isComposing) { return; }
      var open = !list.hidden && items.length > 0;
      if (event.key === "ArrowDown") {
        if (open) { event.preventDefault(); setActive(active + 1); }
        else if (firstResult()) { event.preventDefault(); firstResult().focus(); }
      } else if (event.key === "ArrowUp" && open) {
        event.preventDefault(); setActive(active - 1);
      } else if (event.key === "Enter" && open && active >= 0) {
        event.preventDefault(); go(items[active]);
      } else if (event.key === "Escape") {
        if (open) { event.preventDefault(); closeList(); } else if (input.value) { input.select(); }
      }
    });
  }

  /* ---- keyboard: "/" focuses the box; arrows move through results ---- */
  function resultLinks() { return Array.prototype.slice.call(document.querySelectorAll(".result-link")); }
  function firstResult() { return resultLinks()[0] || null; }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) { return; }
    var target = event.target;
    if (event.key === "/" && !isTyping(target) && input) {
      event.preventDefault();
      input.focus();
      input.select();
      return;
    }
    if (isTyping(target)) { return; }
    var links = resultLinks();
    var at = links.indexOf(target);
    if (event.key === "ArrowDown" && links.length) {
      event.preventDefault();
      links[Math.min(at + 1, links.length - 1)].focus();
    } else if (event.key === "ArrowUp" && at >= 0) {
      event.preventDefault();
      if (at === 0 && input) { input.focus(); } else { links[at - 1].focus(); }
    } else if (event.key === "Escape") {
      var open = document.querySelectorAll('.related-toggle[aria-expanded="true"]');
      Array.prototype.forEach.call(open, function (toggle) { toggleRelated(toggle, false); });
    }
  });

  /* ---- related documents, fetched on demand ---- */
  function toggleRelated(toggle, show) {
    var box = document.getElementById(toggle.getAttribute("aria-controls"));
    if (!box) { return; }
    if (!show) { box.hidden = true; toggle.setAttribute("aria-expanded", "false"); return; }
    toggle.setAttribute("aria-expanded", "true");
    box.hidden = false;
    if (box.getAttribute("data-loaded")) { return; }
    box.textContent = box.getAttribute("data-loading");
    fetch("/api/related?limit=5&id=" + encodeURIComponent(toggle.getAttribute("data-id")))
      .then(function (response) { return response.json(); })
      .then(function (data) {
        box.textContent = "";
        box.setAttribute("data-loaded", "1");
        var docs = data.related || [];
        if (!docs.length) { box.textContent = box.getAttribute("data-none"); return; }
        var ul = document.createElement("ul");
        docs.forEach(function (doc) {
          var li = document.createElement("li");
          var a = document.createElement("a");
          a.href = doc.url;
          a.textContent = doc.title;
          a.className = "related-link";
          var lab = document.createElement("span");
          lab.className = "related-lab";
          lab.textContent = doc.lab;
          li.appendChild(a);
          li.appendChild(lab);
          ul.appendChild(li);
        });
        box.appendChild(ul);
        announce(toggle.textContent + ": " + docs.length);
      })
      .catch(function () { window.location.assign(toggle.href); });
  }

  document.addEventListener("click", function (event) {
    var toggle = event.target.closest ? event.target.closest(".related-toggle") : null;
    if (!toggle || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
    event.preventDefault();
    toggleRelated(toggle, toggle.getAttribute("aria-expanded") !== "true");
  });
})();
