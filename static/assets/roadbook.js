// roadbook: reader progress and theme switching. Progress is kept in this
// browser's localStorage under "roadbook:progress" as { slug: state }, so
// no account or server is needed. Everything here is an enhancement: the
// pages read fine without it.
(function () {
  "use strict";
  // Each handbook keeps its own progress: every GitHub Pages project site
  // of one owner shares one origin (and so one localStorage), so the key
  // carries the handbook's base path and title. Progress saved under the
  // old shared key is copied (not moved: other handbooks on the origin
  // may have written it too) the first time a handbook finds none.
  var OLD_KEY = "roadbook:progress";
  var store = document.querySelector('meta[name="roadbook-store"]');
  var KEY = store ? OLD_KEY + ":" + store.getAttribute("content") : OLD_KEY;
  var STATES = ["learning", "done", "skipped"];
  try {
    if (KEY !== OLD_KEY && localStorage.getItem(KEY) === null && localStorage.getItem(OLD_KEY) !== null) {
      localStorage.setItem(KEY, localStorage.getItem(OLD_KEY));
    }
  } catch (e) { /* storage off */ }

  // Fills a label's {slots}; "one|many" picks a form by the slot n. The
  // pages carry their labels (data-text), in the handbook's language.
  function fill(text, slots) {
    var bar = text.indexOf("|");
    if (bar >= 0) text = String(slots.n) === "1" ? text.slice(0, bar) : text.slice(bar + 1);
    return text.replace(/\{(\w+)\}/g, function (all, name) { return name in slots ? String(slots[name]) : all; });
  }

  function load() {
    try { return JSON.parse(localStorage.getItem(KEY) || "{}") || {}; } catch (e) { return {}; }
  }
  function save(p) {
    try { localStorage.setItem(KEY, JSON.stringify(p)); } catch (e) { /* private mode */ }
  }

  // A renamed skill keeps its readers' progress: move old slugs to the new one.
  function migrateAliases(progress) {
    var el = document.querySelector("[data-aliases]");
    if (!el) return;
    var slug = el.getAttribute("data-skill");
    (el.getAttribute("data-aliases") || "").split(" ").forEach(function (old) {
      if (old && progress[old] && !progress[slug]) { progress[slug] = progress[old]; delete progress[old]; save(progress); }
    });
  }

  function renderControls(progress) {
    document.querySelectorAll(".progress-control").forEach(function (box) {
      var slug = box.getAttribute("data-skill");
      box.hidden = false;
      box.querySelectorAll("button").forEach(function (b) {
        b.setAttribute("aria-pressed", String(progress[slug] === b.getAttribute("data-state")));
        b.onclick = function () {
          var p = load();
          var state = b.getAttribute("data-state");
          if (p[slug] === state) delete p[slug]; else p[slug] = state;
          save(p);
          refresh();
        };
      });
    });
  }

  function renderMeters(progress) {
    document.querySelectorAll(".progress-meter").forEach(function (m) {
      var slugs = (m.getAttribute("data-skills") || "").split(" ").filter(Boolean);
      if (!slugs.length) return;
      var counted = slugs.filter(function (s) { return progress[s] !== "skipped"; });
      var done = counted.filter(function (s) { return progress[s] === "done"; }).length;
      m.hidden = false;
      var text = m.getAttribute("data-text") || "{done} of {n} skill done for {label}|{done} of {n} skills done for {label}";
      m.textContent = fill(text, { done: done, n: counted.length, label: m.getAttribute("data-label") });
      var bar = document.createElement("progress");
      bar.max = counted.length || 1;
      bar.value = done;
      bar.setAttribute("aria-hidden", "true");
      m.appendChild(bar);
    });
    document.querySelectorAll("[data-skill-row], [data-skill-link]").forEach(function (el) {
      var slug = el.getAttribute("data-skill-row") || el.getAttribute("data-skill-link");
      if (progress[slug]) el.setAttribute("data-progress", progress[slug]); else el.removeAttribute("data-progress");
    });
  }

  // Shows `shown` (a shared link's progress) or, by default, the saved one.
  function refresh(shown) {
    var p = shown || load();
    renderControls(p);
    renderMeters(p);
  }

  function theme() {
    var btn = document.querySelector(".theme-toggle");
    if (!btn) return;
    btn.hidden = false;
    btn.onclick = function () {
      var root = document.documentElement;
      var dark = root.dataset.theme ? root.dataset.theme === "dark" : matchMedia("(prefers-color-scheme: dark)").matches;
      root.dataset.theme = dark ? "light" : "dark";
      try { localStorage.setItem("roadbook:theme", root.dataset.theme); } catch (e) { /* ignore */ }
    };
  }

  // Tables marked data-sortable get a button in each column header. Rows
  // sort within their own <tbody>, so category groups stay together.
  function sortable() {
    document.querySelectorAll("table[data-sortable]").forEach(function (table) {
      var heads = table.querySelectorAll("thead th");
      heads.forEach(function (th, col) {
        if (!th.textContent.trim()) return;
        var btn = document.createElement("button");
        btn.type = "button";
        btn.className = "sort";
        while (th.firstChild) btn.appendChild(th.firstChild);
        th.appendChild(btn);
        btn.addEventListener("click", function () {
          var asc = th.getAttribute("aria-sort") !== "ascending";
          heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
          th.setAttribute("aria-sort", asc ? "ascending" : "descending");
          table.querySelectorAll("tbody").forEach(function (body) {
            var rows = Array.prototype.filter.call(body.rows, function (r) { return !r.classList.contains("group-row"); });
            rows.sort(function (a, b) {
              var x = key(a.cells[col]), y = key(b.cells[col]);
              var c = (typeof x === "number" && typeof y === "number") ? x - y : String(x).localeCompare(String(y));
              return asc ? c : -c;
            });
            rows.forEach(function (r) { body.appendChild(r); });
          });
        });
      });
    });
  }
  function key(cell) {
    if (!cell) return "";
    var v = cell.getAttribute("data-sort");
    if (v === null) v = cell.textContent.trim();
    var num = parseFloat(v);
    return isNaN(num) || String(num) !== v.replace(/\.0+$/, "") ? v.toLowerCase() : num;
  }

  // Filter forms are hidden without JavaScript, so the full table shows.
  function filters() {
    document.querySelectorAll("form[data-filter-for]").forEach(function (form) {
      var table = document.getElementById(form.getAttribute("data-filter-for"));
      if (!table) return;
      form.hidden = false;
      var out = form.querySelector("output");
      function apply() {
        var cat = form.elements.category ? form.elements.category.value : "";
        var diff = form.elements.difficulty ? form.elements.difficulty.value : "";
        var shown = 0, total = 0;
        table.querySelectorAll("tbody").forEach(function (body) {
          var any = false;
          Array.prototype.forEach.call(body.rows, function (r) {
            if (r.classList.contains("group-row")) return;
            total++;
            var ok = (!cat || r.getAttribute("data-category") === cat) && (!diff || r.getAttribute("data-difficulty") === diff);
            r.hidden = !ok;
            if (ok) { any = true; shown++; }
          });
          body.hidden = !any;
        });
        if (out) out.textContent = shown === total ? "" : fill(out.getAttribute("data-text") || "{shown} of {n} skills shown", { shown: shown, n: total });
      }
      form.addEventListener("change", apply);
      form.addEventListener("submit", function (e) { e.preventDefault(); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    sortable();
    filters();
    migrateAliases(load());
    refresh();
    theme();
    window.addEventListener("storage", function (e) { if (e.key === KEY) refresh(); });
  });
  window.roadbook = { states: STATES, load: load, save: save, refresh: refresh, key: KEY };
})();

// Regions that scroll sideways (wide tables, charts on a phone) become
// focusable, named regions so a keyboard can scroll them and a screen
// reader announces them; CSS draws the cue. Rechecked on resize, since
// whether a table overflows depends on the screen.
(function () {
  "use strict";
  function name(box) {
    var c = box.querySelector("caption, figcaption, title");
    if (c && c.textContent.trim()) return c.textContent.trim();
    var h = box.previousElementSibling;
    while (h && !/^H[1-6]$/.test(h.tagName)) h = h.previousElementSibling;
    return h ? h.textContent.replace(/#$/, "").trim() : "";
  }
  // A chart never draws smaller than its own size (its labels are 12 px
  // or more there); on a narrow screen its box scrolls instead. A phone
  // drawing (.narrow-chart) is made to fit a phone, so it takes the width.
  function chartSizes() {
    document.querySelectorAll(".chart-box svg.chart[viewBox]:not(.narrow-chart)").forEach(function (svg) {
      var w = parseFloat(svg.getAttribute("viewBox").split(/[\s,]+/)[2]);
      if (w > 0) svg.style.minWidth = w + "px";
    });
  }
  function mark() {
    document.querySelectorAll(".table-scroll, .chart-box").forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls) {
        box.setAttribute("data-scrolls", "");
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        var n = name(box);
        if (n) box.setAttribute("aria-label", n); else box.removeAttribute("aria-label");
      } else if (box.hasAttribute("data-scrolls")) {
        ["data-scrolls", "tabindex", "role", "aria-label"].forEach(function (a) { box.removeAttribute(a); });
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () { chartSizes(); mark(); });
  window.addEventListener("resize", mark);
})();

// The "My progress" page: every skill sorted by state, and the tools to
// export, import, reset and share progress. Messages come from the tools'
// data-msg-* attributes.
(function () {
  "use strict";
  var ORDER = { learning: 0, done: 1, "": 2, skipped: 3 };
  function msg(box, name, vars) {
    var text = box.getAttribute("data-msg-" + name) || "";
    Object.keys(vars || {}).forEach(function (k) { text = text.replace("{" + k + "}", vars[k]); });
    return text;
  }
  // A progress record from untrusted input, or the name of the reason
  // it is not one (its text is a data-msg-why-* of the page).
  function parse(text) {
    var data;
    try { data = JSON.parse(text); } catch (e) { return { error: "json" }; }
    var p = data && typeof data === "object" ? (data.progress || data) : null;
    if (!p || typeof p !== "object" || Array.isArray(p)) return { error: "empty" };
    var out = {};
    for (var slug in p) {
      if (!Object.prototype.hasOwnProperty.call(p, slug)) continue;
      if (window.roadbook.states.indexOf(p[slug]) < 0) return { error: "state", slug: slug };
      out[slug] = p[slug];
    }
    return { progress: out };
  }
  function count(p) { return Object.keys(p).length; }
  // The rows in reading order, taken before the first sort.
  var reading = null;
  var SHOWN = 10;
  // Skills not finished whose prerequisites are all done or skipped: the
  // ones being learned first, then the rest in reading order.
  function nextUp(p) {
    var box = document.getElementById("next-up"), list = document.getElementById("next-up-list");
    if (!box || !list || !reading) return;
    var out = function (s) { return p[s] === "done" || p[s] === "skipped"; };
    var ready = reading.filter(function (li) {
      var slug = li.getAttribute("data-skill-row");
      return !out(slug) && (li.getAttribute("data-requires") || "").split(" ").filter(Boolean).every(out);
    });
    ready.sort(function (a, b) {
      return (p[a.getAttribute("data-skill-row")] === "learning" ? 0 : 1) - (p[b.getAttribute("data-skill-row")] === "learning" ? 0 : 1);
    });
    list.textContent = "";
    ready.slice(0, SHOWN).forEach(function (li) {
      var item = document.createElement("li");
      item.appendChild(li.querySelector("a").cloneNode(true));
      list.appendChild(item);
    });
    if (ready.length > SHOWN) {
      var more = document.createElement("li");
      more.className = "muted";
      more.textContent = (box.getAttribute("data-more") || "").replace("{n}", String(ready.length - SHOWN));
      list.appendChild(more);
    }
    box.hidden = ready.length === 0;
  }
  function sortList(p, box) {
    var list = document.getElementById("state-list");
    if (!list) return;
    var items = Array.prototype.slice.call(list.children);
    if (!reading) reading = items.slice();
    items.forEach(function (li) {
      var state = p[li.getAttribute("data-skill-row")] || "none";
      var badge = li.querySelector(".state");
      if (badge) { badge.textContent = msg(box, "state-" + state); badge.className = "state badge state-" + state; }
    });
    items.sort(function (a, b) {
      var x = ORDER[p[a.getAttribute("data-skill-row")] || ""], y = ORDER[p[b.getAttribute("data-skill-row")] || ""];
      return x - y;
    });
    items.forEach(function (li) { list.appendChild(li); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var print = document.querySelector("[data-action=print]");
    if (print) { print.hidden = false; print.onclick = function () { window.print(); }; }
    var box = document.getElementById("progress-tools");
    if (!box || !window.roadbook) return;
    var rb = window.roadbook, status = document.getElementById("progress-status");
    var say = function (name, vars) { status.textContent = msg(box, name, vars); };
    var shown = null; // shared progress from the link, shown but not kept
    function show(p) { rb.refresh(p); sortList(p, box); nextUp(p); }
    box.hidden = false;
    var m = /^#p=(.*)$/.exec(location.hash);
    if (m) {
      var shared = parse(decodeURIComponent(m[1]));
      if (shared.error) say("bad-file", { why: msg(box, "why-" + shared.error, shared) });
      else {
        shown = shared.progress;
        say("shared", { n: count(shown) });
        document.getElementById("shared-notice").hidden = false;
      }
    }
    show(shown || rb.load());
    box.addEventListener("click", function (e) {
      var action = e.target.getAttribute && e.target.getAttribute("data-action");
      if (action === "export") {
        var data = { roadbook: "progress", handbook: rb.key, exported: new Date().toISOString(), progress: rb.load() };
        var a = document.createElement("a");
        a.href = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: "application/json" }));
        a.download = "roadbook-progress.json";
        document.body.appendChild(a);
        a.click();
        a.remove();
        say("exported");
      } else if (action === "share") {
        var url = location.href.split("#")[0] + "#p=" + encodeURIComponent(JSON.stringify(rb.load()));
        var field = document.getElementById("share-url");
        field.value = url;
        field.select();
        say("copied");
        try { navigator.clipboard.writeText(url).catch(function () {}); } catch (err) { /* no clipboard */ }
      } else if (action === "keep-shared" && shown) {
        rb.save(shown);
        shown = null;
        document.getElementById("shared-notice").hidden = true;
        history.replaceState(null, "", location.pathname);
        show(rb.load());
        say("kept");
      } else if (action === "reset") {
        document.getElementById("reset-confirm").hidden = false;
        box.querySelector('[data-action="reset-no"]').focus();
      } else if (action === "reset-no") {
        document.getElementById("reset-confirm").hidden = true;
      } else if (action === "reset-yes") {
        rb.save({});
        document.getElementById("reset-confirm").hidden = true;
        show({});
        say("reset");
      }
    });
    document.getElementById("progress-file").addEventListener("change", function (e) {
      var file = e.target.files && e.target.files[0];
      if (!file) return;
      var reader = new FileReader();
      reader.onload = function () {
        var got = parse(String(reader.result));
        e.target.value = "";
        if (got.error) { say("bad-file", { why: msg(box, "why-" + got.error, got) }); return; }
        var replace = box.querySelector('input[name="import-mode"]:checked').value === "replace";
        var p = replace ? {} : rb.load();
        Object.keys(got.progress).forEach(function (s) { p[s] = got.progress[s]; });
        rb.save(p);
        show(p);
        say("imported", { n: count(got.progress) });
      };
      reader.readAsText(file);
    });
  });
})();
