/* roadbook search: a combobox over Pagefind's index (pagefind/ beside the
   site). Pagefind's own script is loaded on first use, from the site
   itself; results are grouped by kind, with heading sub-results, and can
   be filtered by kind, and skills by category and difficulty. All the
   text shown comes from the data-label-* attributes of templates/search.html. */
(function () {
  "use strict";
  var box = document.querySelector("[data-search]");
  if (!box || location.protocol === "file:") return;
  var input = box.querySelector("input");
  var panel = box.querySelector(".search-panel");
  var list = box.querySelector("[role=listbox]");
  var filtersEl = box.querySelector(".search-filters");
  var status = box.querySelector("[role=status]");
  var KINDS = ["skill", "role", "phase", "page"];
  var SHOWN = 10;
  var pagefind = null;
  var loading = null;
  var seq = 0;
  var active = -1;
  var options = [];
  var kind = "";
  var facet = { category: "", difficulty: "" };
  var known = null;

  function label(name, vars) {
    var text = box.getAttribute("data-label-" + name) || "";
    for (var k in vars || {}) text = text.split("{" + k + "}").join(vars[k]);
    return text;
  }

  function load() {
    if (!loading) {
      var url = new URL(box.getAttribute("data-bundle") + "pagefind.js", location.href).href;
      loading = import(url).then(function (pf) {
        return pf.options({ excerptLength: 22 }).then(function () {
          pf.init();
          pagefind = pf;
          return pf.filters();
        }).then(function (f) {
          known = f || {};
          drawFilters();
          return pf;
        });
      });
    }
    return loading;
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  function drawFilters() {
    filtersEl.textContent = "";
    var kinds = [""].concat(KINDS.filter(function (k) { return known.kind && known.kind[k]; }));
    kinds.forEach(function (k) {
      var b = el("button", "search-chip", label(k || "all"));
      b.type = "button";
      b.setAttribute("aria-pressed", String(k === kind));
      b.addEventListener("click", function () {
        kind = k;
        if (k !== "skill") facet = { category: "", difficulty: "" };
        drawFilters();
        run();
        input.focus();
      });
      filtersEl.appendChild(b);
    });
    if (kind !== "skill") return;
    ["category", "difficulty"].forEach(function (name) {
      var values = Object.keys(known[name] || {}).sort();
      if (!values.length) return;
      var select = el("select", "search-select");
      select.setAttribute("aria-label", label(name));
      select.appendChild(new Option(label(name) + ": " + label("any"), ""));
      values.forEach(function (v) { select.appendChild(new Option(v, v, false, v === facet[name])); });
      select.addEventListener("change", function () { facet[name] = select.value; run(); });
      filtersEl.appendChild(select);
    });
  }

  function open(show) {
    panel.hidden = !show;
    input.setAttribute("aria-expanded", String(show));
    if (!show) setActive(-1);
  }

  function setActive(i) {
    if (options[active]) options[active].setAttribute("aria-selected", "false");
    active = i;
    if (options[i]) {
      options[i].setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", options[i].id);
      options[i].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function option(href, cls, title, excerpt) {
    var o = el("div", cls);
    o.setAttribute("role", "option");
    o.setAttribute("aria-selected", "false");
    o.id = "search-option-" + options.length;
    o.dataset.href = href;
    o.appendChild(el("span", "search-title", title));
    if (excerpt) {
      var p = el("span", "search-excerpt");
      // Pagefind's excerpt is the page's escaped text with <mark> around hits.
      p.innerHTML = excerpt;
      o.appendChild(p);
    }
    o.addEventListener("mousedown", function (e) { e.preventDefault(); });
    o.addEventListener("click", function () { go(o); });
    options.push(o);
    return o;
  }

  function go(o) {
    if (o) location.href = o.dataset.href;
  }

  function draw(q, results, total) {
    list.textContent = "";
    options = [];
    active = -1;
    input.removeAttribute("aria-activedescendant");
    var groups = {};
    var order = [];
    results.forEach(function (r) {
      var k = (r.meta && r.meta.kind) || "page";
      if (!groups[k]) { groups[k] = []; order.push(k); }
      groups[k].push(r);
    });
    order.forEach(function (k) {
      var g = el("div", "search-group");
      g.setAttribute("role", "group");
      var head = el("div", "search-group-title", label(k));
      head.id = "search-group-" + k;
      g.setAttribute("aria-labelledby", head.id);
      g.appendChild(head);
      groups[k].forEach(function (r) {
        var subs = (r.sub_results || []).filter(function (s) { return s.anchor && s.url !== r.url; }).slice(0, 3);
        // The page's excerpt is often a heading's: say it once, under the heading.
        var repeated = subs.some(function (s) { return s.excerpt === r.excerpt; });
        g.appendChild(option(r.url, "search-option", (r.meta && r.meta.title) || r.url, repeated ? "" : r.excerpt));
        subs.forEach(function (s) {
          g.appendChild(option(s.url, "search-option search-sub", s.title, s.excerpt));
        });
      });
      list.appendChild(g);
    });
    status.textContent = total === 0 ? label("none", { q: q })
      : label(total === 1 ? "one" : "count", { n: total, q: q });
    open(true);
  }

  function run() {
    var q = input.value.trim();
    var mine = ++seq;
    if (!q) { list.textContent = ""; options = []; status.textContent = ""; open(false); return; }
    status.textContent = label("loading");
    load().then(function (pf) {
      var filters = {};
      if (kind) filters.kind = kind;
      if (kind === "skill") {
        if (facet.category) filters.category = facet.category;
        if (facet.difficulty) filters.difficulty = facet.difficulty;
      }
      return pf.search(q, { filters: filters }).then(function (s) {
        if (mine !== seq || !s) return;
        return Promise.all(s.results.slice(0, SHOWN).map(function (r) { return r.data(); })).then(function (data) {
          if (mine === seq) draw(q, data, s.results.length);
        });
      });
    }).catch(function () {
      if (mine === seq) { status.textContent = label("unavailable"); open(true); }
    });
  }

  input.addEventListener("input", run);
  input.addEventListener("focus", function () {
    load().catch(function () {});
    if (input.value.trim() && options.length) open(true);
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      if (!options.length) return;
      e.preventDefault();
      open(true);
      var n = options.length;
      setActive(e.key === "ArrowDown" ? (active + 1) % n : (active <= 0 ? n - 1 : active - 1));
    } else if (e.key === "Enter") {
      var o = options[active] || (!panel.hidden && options[0]);
      if (o) { e.preventDefault(); go(o); }
    } else if (e.key === "Escape") {
      if (!panel.hidden) { e.preventDefault(); open(false); }
      else if (input.value) { input.value = ""; run(); }
    }
  });
  box.addEventListener("focusout", function (e) {
    if (!box.contains(e.relatedTarget)) open(false);
  });
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    var typing = t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
    if ((e.key === "k" || e.key === "K") && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      input.focus();
      input.select();
    } else if (e.key === "/" && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) {
      e.preventDefault();
      input.focus();
    }
  });
  box.hidden = false;
})();
