// roadbook: reader progress and theme switching. Progress is kept in this
// browser's localStorage under "roadbook:progress" as { slug: state }, so
// no account or server is needed. Everything here is an enhancement: the
// pages read fine without it.
(function () {
  "use strict";
  var KEY = "roadbook:progress";
  var STATES = ["learning", "done", "skipped"];

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
      m.textContent = done + " of " + counted.length + (counted.length === 1 ? " skill" : " skills") + " done for " + m.getAttribute("data-label");
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

  function refresh() {
    var p = load();
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
        if (out) out.textContent = shown === total ? "" : shown + " of " + total + " skills shown";
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
  window.roadbook = { states: STATES, load: load };
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
  document.addEventListener("DOMContentLoaded", mark);
  window.addEventListener("resize", mark);
})();
