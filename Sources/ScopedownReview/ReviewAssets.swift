/// The report's stylesheet and script, inlined into every page (no CDN, no fetch: the report opens
/// from file:// offline). The script builds every table's rows with `textContent`, never HTML, and
/// follows only links it generated itself (`[a-z0-9-]+.html`).
enum ReviewAssets {
    static let css = """
    :root{--fg:#1d2430;--muted:#5b6675;--line:#d8dde4;--bg:#fff;--band:#f4f6f9;--accent:#2f5da8;--warn:#b3261e}
    *{box-sizing:border-box}
    body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--fg);background:var(--bg);margin:0}
    header{background:#1d2430;color:#fff;padding:14px 24px}
    header h1{font-size:20px;margin:0}
    header p{margin:4px 0 0;color:#c9d1dc}
    header a{color:#c9d1dc}
    main{padding:16px 24px;max-width:1400px}
    h2{font-size:16px;margin:24px 0 8px}
    .cards{display:flex;flex-wrap:wrap;gap:12px}
    .card{background:var(--band);border:1px solid var(--line);border-radius:6px;padding:10px 14px;min-width:150px}
    .card b{display:block;font-size:22px}
    .charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(440px,1fr));gap:16px}
    figure.chart{margin:0;border:1px solid var(--line);border-radius:6px;padding:10px}
    figure.chart figcaption{font-weight:600;margin-bottom:6px}
    figure.chart p{color:var(--muted);margin:6px 0 0;font-size:12px}
    svg text{font:12px system-ui,"DejaVu Sans",sans-serif;fill:var(--fg)}
    .flag{color:var(--warn);font-weight:600}
    .muted{color:var(--muted)}
    section.dt .bar{display:flex;gap:8px;align-items:center;margin:6px 0}
    section.dt input.search{padding:5px 8px;border:1px solid var(--line);border-radius:4px;min-width:280px}
    table{border-collapse:collapse;width:100%}
    th,td{border-bottom:1px solid var(--line);padding:4px 6px;text-align:left;vertical-align:top}
    td{max-width:28em;min-width:5.5em;overflow-wrap:anywhere}
    td.num{text-align:right;font-variant-numeric:tabular-nums}
    th button{all:unset;cursor:pointer;font-weight:600}
    th[aria-sort=ascending] button::after{content:" \\25B2"}
    th[aria-sort=descending] button::after{content:" \\25BC"}
    tbody tr:nth-child(even){background:var(--band)}
    nav.parts a{margin-right:8px}
    """

    static let js = """
    (function () {
      "use strict";
      var params = {};
      location.hash.replace(/^#/, "").split("&").forEach(function (kv) {
        if (!kv) return;
        var i = kv.indexOf("=");
        var k = i < 0 ? kv : kv.slice(0, i), v = i < 0 ? "" : kv.slice(i + 1);
        try { params[decodeURIComponent(k)] = decodeURIComponent(v.replace(/\\+/g, " ")); } catch (e) { }
      });
      var PAGE = 50;
      function text(v) { return v === null || v === undefined ? "" : String(v); }
      function setup(section) {
        var data = JSON.parse(document.getElementById(section.getAttribute("data-src")).textContent);
        var cols = data.columns, rows = data.rows;
        var hay = rows.map(function (r) {
          return r.map(function (c) { return Array.isArray(c) ? text(c[0]) : text(c); }).join("\\n").toLowerCase();
        });
        var st = { q: "", col: -1, desc: false, page: 0 }, view = [];
        var input = section.querySelector("input.search"), table = section.querySelector("table");
        var thead = table.querySelector("thead"), tbody = table.querySelector("tbody");
        var info = section.querySelector(".info"), prev = section.querySelector(".prev"), next = section.querySelector(".next");
        var head = document.createElement("tr");
        cols.forEach(function (c, i) {
          var th = document.createElement("th"), b = document.createElement("button");
          b.type = "button";
          b.textContent = c.label;
          b.setAttribute("data-key", c.key);
          b.addEventListener("click", function () {
            if (st.col === i) { st.desc = !st.desc; } else { st.col = i; st.desc = !!c.num; }
            st.page = 0;
            update();
          });
          th.appendChild(b);
          head.appendChild(th);
        });
        thead.appendChild(head);
        function key(r, i) { var v = r[i]; return Array.isArray(v) ? text(v[0]) : v; }
        function update() {
          var q = st.q.toLowerCase();
          view = [];
          for (var i = 0; i < rows.length; i++) { if (!q || hay[i].indexOf(q) >= 0) view.push(i); }
          if (st.col >= 0) {
            var c = st.col, num = cols[c].num, sign = st.desc ? -1 : 1;
            view.sort(function (a, b) {
              var x = key(rows[a], c), y = key(rows[b], c), r;
              if (num) { r = (Number(x) || 0) - (Number(y) || 0); }
              else { x = text(x).toLowerCase(); y = text(y).toLowerCase(); r = x < y ? -1 : (x > y ? 1 : 0); }
              return r !== 0 ? sign * r : a - b;
            });
          }
          var pages = Math.max(1, Math.ceil(view.length / PAGE));
          if (st.page >= pages) st.page = pages - 1;
          if (st.page < 0) st.page = 0;
          render(pages);
        }
        function cell(v, col) {
          var td = document.createElement("td");
          if (col.num) td.className = "num";
          if (Array.isArray(v)) {
            if (/^[a-z0-9-]+\\.html$/.test(text(v[1]))) {
              var a = document.createElement("a");
              a.href = v[1];
              a.textContent = text(v[0]);
              td.appendChild(a);
            } else { td.textContent = text(v[0]); }
          } else { td.textContent = text(v); }
          return td;
        }
        function render(pages) {
          while (tbody.firstChild) tbody.removeChild(tbody.firstChild);
          var start = st.page * PAGE, end = Math.min(view.length, start + PAGE);
          for (var i = start; i < end; i++) {
            var r = rows[view[i]], tr = document.createElement("tr");
            for (var j = 0; j < cols.length; j++) tr.appendChild(cell(r[j], cols[j]));
            tbody.appendChild(tr);
          }
          info.textContent = view.length
            ? "Rows " + (start + 1) + "\\u2013" + end + " of " + view.length + (view.length !== rows.length ? " (filtered from " + rows.length + ")" : "")
            : "No rows match (of " + rows.length + ")";
          section.setAttribute("data-matching", String(view.length));
          section.setAttribute("data-page", String(st.page + 1));
          prev.disabled = st.page === 0;
          next.disabled = st.page >= pages - 1;
          var bs = thead.querySelectorAll("th");
          for (var k = 0; k < bs.length; k++) bs[k].setAttribute("aria-sort", k === st.col ? (st.desc ? "descending" : "ascending") : "none");
        }
        input.addEventListener("input", function () { st.q = input.value; st.page = 0; update(); });
        prev.addEventListener("click", function () { st.page--; update(); });
        next.addEventListener("click", function () { st.page++; update(); });
        update();
        // A link may carry a search and a sort (#q=...&sort=uses&dir=desc): typed and clicked as a person would.
        if (params.q) { input.value = params.q; input.dispatchEvent(new Event("input")); }
        if (params.sort) {
          var b = thead.querySelector("button[data-key=\\"" + params.sort.replace(/[^a-zA-Z]/g, "") + "\\"]");
          if (b) { b.click(); if ((params.dir === "desc") !== st.desc) b.click(); }
        }
        if (params.page) { for (var p = 1; p < (parseInt(params.page, 10) || 1); p++) next.click(); }
      }
      var sections = document.querySelectorAll("section.dt");
      for (var i = 0; i < sections.length; i++) setup(sections[i]);
      document.documentElement.setAttribute("data-ready", "1");
    })();
    """
}
