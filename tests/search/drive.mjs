// Drives headless Chromium (Debian's, through playwright-core) over a
// built handbook for tests/search.rs. Usage:
//
//   node drive.mjs static  URL   # URL: a skill page of the fixture, under a sub-path
//   node drive.mjs serve   URL   # waits for the word the test adds after start
//   node drive.mjs shots   URL DIR   # screenshots at 390 and 1280 px, light and dark
//   node drive.mjs timing  URL WORD…  # time to first results, ms, one per word
//
// Prints what failed and exits 1, or prints "ok".
import { createRequire } from "node:module";
import process from "node:process";

const require = createRequire(process.env.ROADBOOK_NODE_MODULES + "/");
const { chromium } = require("playwright-core");
const axeSource = require("fs").readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const [mode, url, ...rest] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.ROADBOOK_CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu"],
});
const failures = [];
const check = (ok, what) => { if (!ok) failures.push(what); };

async function results(page) {
  return page.$$eval("[role=option]", (os) => os.map((o) => ({
    title: o.querySelector(".search-title").textContent,
    href: o.dataset.href,
    sub: o.classList.contains("search-sub"),
    group: o.closest("[role=group]").querySelector(".search-group-title").textContent,
  })));
}

async function search(page, q) {
  await page.fill("#search-input", "");
  await page.type("#search-input", q);
  await page.waitForFunction((q) => {
    const s = document.querySelector(".search-status").textContent;
    return s.includes("“" + q + "”");
  }, q, { timeout: 15000 });
  return results(page);
}

try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(url);

  if (mode === "static") {
    check(await page.isVisible("#search-input"), "the search box is shown");
    // `/` focuses the box; typing shows results; a word only in one
    // skill's body finds that skill.
    await page.click("h1");
    await page.keyboard.press("/");
    check(await page.evaluate(() => document.activeElement.id === "search-input"), "/ focuses the box");
    let r = await search(page, "zyxquorble");
    check(r.filter((o) => !o.sub).length === 1 && r[0].title === "Quorble Tooling", "one skill found by its body word: " + JSON.stringify(r));
    check(r[0] && r[0].group === "Skills", "labelled by kind: " + JSON.stringify(r[0]));
    // The heading's sub-result links to that heading.
    r = await search(page, "frobnication");
    const sub = r.find((o) => o.sub && o.title.includes("Frobnication"));
    check(sub && /#frobnication-pitfalls$/.test(sub.href), "a heading sub-result: " + JSON.stringify(r));
    // Keyboard only: arrows to the sub-result, Enter goes there.
    const index = r.indexOf(sub);
    for (let i = 0; i <= index; i++) await page.keyboard.press("ArrowDown");
    check(await page.evaluate(() => document.querySelector("#search-input").getAttribute("aria-activedescendant")) === "search-option-" + index, "arrow keys move the active option");
    // axe, with results open.
    await page.addScriptTag({ content: axeSource });
    const axe = await page.evaluate(async () => (await window.axe.run(document)).violations.map((v) => v.id + ": " + v.nodes.map((n) => n.target).join(" ")));
    check(axe.length === 0, "axe violations with results open: " + axe.join("; "));
    await Promise.all([page.waitForURL(/#frobnication-pitfalls$/), page.keyboard.press("Enter")]);
    check(await page.evaluate(() => location.pathname.endsWith("/skills/quorble/")), "Enter lands on the skill");
    // Escape closes; Ctrl-K focuses.
    await page.keyboard.press("Control+k");
    check(await page.evaluate(() => document.activeElement.id === "search-input"), "Ctrl-K focuses the box");
    r = await search(page, "backend");
    const kinds = new Set(r.map((o) => o.group));
    check(kinds.size > 1, "results of several kinds: " + [...kinds]);
    await page.click(".search-chip:text-is('Roles')");
    await page.waitForFunction(() => [...document.querySelectorAll(".search-group-title")].every((g) => g.textContent === "Roles") && document.querySelectorAll(".search-group-title").length > 0, null, { timeout: 15000 });
    r = await results(page);
    check(r.length > 0 && r.every((o) => o.group === "Roles"), "the kind filter narrows to roles: " + JSON.stringify(r));
    await page.click("#search-input");
    await page.keyboard.press("Escape");
    check(await page.isHidden(".search-panel"), "Escape closes the results");
    check(errors.length === 0, "no page errors: " + errors.join("; "));
  } else if (mode === "serve") {
    // The test adds the word once the page is open: wait for it.
    process.stdout.write("ready\n");
    const word = rest[0];
    const deadline = Date.now() + 30000;
    let found = [];
    while (Date.now() < deadline) {
      await page.reload();
      found = await search(page, word);
      if (found.length) break;
      await page.waitForTimeout(300);
    }
    check(found.length > 0 && found[0].title === "Quorble Tooling", "serve finds the word added after start: " + JSON.stringify(found));
  } else if (mode === "shots") {
    const dir = rest[0];
    for (const scheme of ["light", "dark"]) {
      for (const width of [390, 1280]) {
        await page.emulateMedia({ colorScheme: scheme });
        await page.setViewportSize({ width, height: width < 500 ? 844 : 800 });
        await page.goto(url);
        await search(page, rest[1] || "docker");
        await page.keyboard.press("ArrowDown");
        await page.screenshot({ path: `${dir}/search-${width}-${scheme}.png` });
      }
    }
  } else if (mode === "timing") {
    // Warm page: the index script and its first chunk are loaded.
    await search(page, rest[0]);
    const times = [];
    for (const word of rest) {
      await page.fill("#search-input", "");
      await page.waitForTimeout(200);
      const t = await page.evaluate((word) => new Promise((resolve) => {
        const input = document.querySelector("#search-input");
        const list = document.querySelector("[role=listbox]");
        const start = performance.now();
        const obs = new MutationObserver(() => {
          if (list.querySelector("[role=option]")) { obs.disconnect(); resolve(performance.now() - start); }
        });
        obs.observe(list, { childList: true, subtree: true });
        input.value = word;
        input.dispatchEvent(new Event("input"));
      }), word);
      times.push(Math.round(t));
    }
    process.stdout.write(times.join(" ") + "\n");
  }
} catch (e) {
  failures.push(String(e && e.stack || e));
} finally {
  await browser.close();
}
if (failures.length) {
  process.stdout.write("FAILED\n" + failures.join("\n") + "\n");
  process.exit(1);
}
process.stdout.write("ok\n");
