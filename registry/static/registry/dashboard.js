/* The dashboard's charts: each reads its report from the REST API with the session (so it is scoped as the API is),
 * draws it with ECharts and writes the same figures as a small table under it, and the report's basis (year, as-of
 * date, rule set) as text above it. The year picker (#report-year) redraws every report chart for the chosen year
 * without leaving the page. Every word comes translated from the page (#dashboard-config); the script holds none. */
(function () {
  "use strict";

  const config = JSON.parse(document.getElementById("dashboard-config").textContent);
  const t = config.strings;
  const root = document.getElementById("dashboard");
  const charts = [];
  let year = config.year;  // the reports' year: the page's, then the picker's
  // Tooltips drawn on the canvas (richText), not as HTML with style attributes, which the CSP refuses.
  const TOOLTIP = {renderMode: "richText", trigger: "axis", axisPointer: {type: "shadow"}};
  const COLORS = {
    met: "#2d6a4f", notMet: "#457b9d", failed: "#e76f51",
    tiers: [["#1d3557", "#a8c5e2"], ["#2a9d8f", "#a8ddd6"], ["#e9c46a", "#f6e6b4"], ["#9c6644", "#ddb892"]],
  };

  // --- helpers ---------------------------------------------------------------------------------------------
  function number(value) {
    return value === null || value === undefined || value === "" ? null : Number(value);
  }

  // A figure as the server rounded it (half up, two decimals): shown with at most two decimals, never rounded again
  // here (a float's rounding would differ at the halves).
  function show(value, digits) {
    const n = number(value);
    if (n === null || Number.isNaN(n)) return "—";
    return n.toLocaleString(document.documentElement.lang || undefined,
      {minimumFractionDigits: digits || 0, maximumFractionDigits: digits === undefined ? 2 : digits});
  }

  async function load(url, params) {
    const query = new URLSearchParams(Object.assign({page_size: 1000}, params || {}));
    const response = await fetch(url + "?" + query, {credentials: "same-origin", headers: {Accept: "application/json"}});
    if (!response.ok) throw new Error(url + ": " + response.status);
    return response.json();
  }

  function rowsOf(data) {
    return Array.isArray(data) ? data : (data.results || []);
  }

  // An amount in 万元 as config.amounts.money_display shows it: in 亿元 from 1亿元 up, else in 万元 (the rule and
  // its words come from the page).
  function money(value) {
    const n = number(value);
    if (n === null || Number.isNaN(n)) return "—";
    const m = config.money;
    const large = Math.abs(n) >= m.threshold;
    const amount = show(large ? n / m.threshold : n, m.places);
    return (large ? m.large : m.small).replace("%(amount)s", amount);
  }

  // A title cut into lines of at most `chars` characters (a Chinese title has no spaces to break at).
  function wrapped(text, chars) {
    const lines = [];
    for (let i = 0; i < text.length; i += chars) lines.push(text.slice(i, i + chars));
    return lines.join("\n");
  }

  // A table of figures; every cell carries its column's name (data-label), which narrow screens show beside it.
  // `wrap` marks the columns whose text may wrap (long lists).
  function table(container, caption, headers, rows, numeric, wrap) {
    const el = document.createElement("table");
    const cap = el.createCaption();
    cap.textContent = caption;
    const head = el.createTHead().insertRow();
    headers.forEach(function (text, i) {
      const th = document.createElement("th");
      th.scope = "col";
      th.textContent = text;
      if (numeric && numeric[i]) th.className = "num";
      head.appendChild(th);
    });
    const body = el.createTBody();
    rows.forEach(function (cells) {
      const tr = body.insertRow();
      cells.forEach(function (text, i) {
        const td = tr.insertCell();
        td.textContent = text;
        td.dataset.label = headers[i];
        if (numeric && numeric[i]) td.className = "num";
        if (wrap && wrap[i]) td.classList.add("wrap");
      });
    });
    container.replaceChildren(el);
  }

  function note(el, text, state) {
    el.dataset.state = state;
    el.removeAttribute("role");
    const p = document.createElement("p");
    p.className = "chart-note";
    p.textContent = text;
    el.replaceChildren(p);
  }

  function basis(name, data) {
    // The report's basis as a line above its chart: year (and how it was chosen), as-of date, rule set, money unit.
    const el = document.querySelector('[data-basis="' + name + '"]');
    if (!el) return;
    const b = data && data.basis;
    if (!b) {
      el.textContent = t.yearOf.replace("%(year)s", year);
      el.dataset.year = String(year);
      return;
    }
    el.textContent = t.yearChosen.replace("%(year)s", b.year)
      .replace("%(how)s", b.year_chosen === "default" ? t.defaultYear : t.askedYear) +
      " · " + t.asOf + " " + b.as_of + " · " + t.ruleSet + " " + b.rule_set_name + " · " + t.moneyUnit + " " + b.money_unit;
    el.dataset.year = String(b.year);
  }

  function reset(el) {
    const chart = echarts.getInstanceByDom(el);
    if (chart) {
      charts.splice(charts.indexOf(chart), 1);
      chart.dispose();
    }
    el.setAttribute("role", "img");
    el.dataset.state = "loading";
  }

  // Each chart drawn since the charts were last (re)loaded: a promise settled at its first ECharts 'finished' event
  // (the canvas painted), so that renderAll can mark when the page's last chart was drawn.
  let drawn = [];

  function draw(el, option) {
    const chart = echarts.init(el, null, {renderer: "canvas"});
    drawn.push(new Promise(function (resolve) { chart.on("finished", function done() { chart.off("finished", done); resolve(); }); }));
    chart.setOption(Object.assign({animation: false, textStyle: {fontFamily: getComputedStyle(document.body).fontFamily}}, option));
    charts.push(chart);
    el.dataset.state = "ready";
    return chart;
  }

  function axisLabels(count) {
    return {interval: 0, rotate: count > 6 ? 35 : 0, width: 110, overflow: "truncate"};
  }

  // --- charts ----------------------------------------------------------------------------------------------
  async function planChart(el, tableEl) {
    const data = await load(config.reports.plan, {year: year});
    basis("plan", data);
    const rows = rowsOf(data);
    if (!rows.length) return note(el, t.noData, "empty");
    const shares = rows.map(function (r) { return number(r.share); });
    // The titles wrap to the chart's width at the time it is laid out (a phone, or a window resized later): about
    // a third of the width, between 6 and 20 characters a line.
    function titleLines(title) {
      return wrapped(title, Math.min(20, Math.max(6, Math.floor(el.clientWidth * 0.3 / 12))));
    }
    draw(el, {
      tooltip: TOOLTIP,
      grid: {left: 8, right: 56, top: 28, bottom: 24, containLabel: true},
      xAxis: {type: "value", name: t.share, nameLocation: "middle", nameGap: 28, axisLabel: {hideOverlap: true},
              max: function (v) { return Math.max(100, Math.ceil(v.max / 10) * 10); }},
      yAxis: {type: "category", inverse: true, data: rows.map(function (r) { return r.title; }),
              axisLabel: {fontSize: 12, lineHeight: 15, formatter: titleLines}},
      series: [{
        type: "bar", name: t.share, barMaxWidth: 26,
        data: rows.map(function (r, i) {
          return {value: shares[i] === null ? 0 : shares[i], itemStyle: {color: r.met ? COLORS.met : COLORS.notMet}};
        }),
        label: {show: true, position: "right", formatter: function (p) {
          return shares[p.dataIndex] === null ? "—" : show(shares[p.dataIndex], 2) + "%";
        }},
        markLine: {silent: true, symbol: "none", data: [{xAxis: 100}], lineStyle: {color: "#c0392b", type: "dashed"},
                   label: {formatter: t.goal, position: "start", color: "#c0392b"}},  // the top (the axis is inverted)
      }],
    });
    // The status is the report's (registry.targets.target_met); a target held back by a required category says
    // which ones it still lacks, and every target with categories shows how its records fall into them.
    table(tableEl, data.year ? t.yearOf.replace("%(year)s", data.year) : "",
      [t.target, t.goalValue, t.actual, t.share, t.metOrNot, t.missing, t.breakdown],
      rows.map(function (r) {
        const goal = show(r.goal) + (r.goal_upper ? "–" + show(r.goal_upper) : "");
        const met = r.met === null || r.met === undefined ? "—" : (r.met ? t.met : t.notMet);
        // The unit as the report names it (亿元, 家, 个): straight after the figure in Chinese, after a space else.
        const name = r.unit_name || "";
        const unit = /^[\u3400-\u9fff]/.test(name) ? name : (name ? " " + name : "");
        const missing = (r.missing_required || []).join(t.listSeparator) || "—";
        const breakdown = (r.breakdown || []).map(function (b) { return b.name + " " + b.count; })
          .join(t.listSeparator) || "—";
        return [r.title, goal + unit, show(r.actual), show(r.share, 2), met, missing, breakdown];
      }), [false, true, true, true, false, false, false], [true, false, false, false, false, true, true]);
    tableEl.querySelectorAll("tbody tr").forEach(function (tr, i) {
      if ((rows[i].missing_required || []).length) tr.cells[5].classList.add("missing");
    });
  }

  async function tierChart(el, tableEl) {
    if (config.summaryYears.indexOf(year) < 0) {  // no summary of the year: the report would answer 404
      basis("tiers", null);
      return note(el, t.noSummary, "empty");
    }
    const data = await load(config.reports.tiers, {level: config.tierLevel, year: year});
    basis("tiers", data);
    const byPark = config.tierLevel === "park";
    const rows = rowsOf(data).filter(function (r) { return r.tier in config.tiers; });
    if (!rows.length) return note(el, t.noData, "empty");
    const places = [], tiers = [];
    const cell = {};
    rows.forEach(function (r) {
      const place = (byPark ? r.park_name : r.district_name) || "—";
      if (places.indexOf(place) < 0) places.push(place);
      if (tiers.indexOf(r.tier) < 0) tiers.push(r.tier);
      cell[place + "|" + r.tier] = r;
    });
    const order = Object.keys(config.tiers);
    tiers.sort(function (a, b) { return order.indexOf(a) - order.indexOf(b); });
    rows.sort(function (a, b) {
      const pa = (byPark ? a.park_name : a.district_name) || "", pb = (byPark ? b.park_name : b.district_name) || "";
      return places.indexOf(pa) - places.indexOf(pb) || order.indexOf(a.tier) - order.indexOf(b.tier);
    });
    // A tier nobody holds or qualifies for anywhere is left out of the chart (the table still lists it).
    const charted = tiers.filter(function (tier) {
      return rows.some(function (r) { return r.tier === tier && (r.designated || r.candidates); });
    });
    const series = [];
    (charted.length ? charted : tiers).forEach(function (tier) {
      const colors = COLORS.tiers[order.indexOf(tier) % COLORS.tiers.length];
      [["designated", colors[0]], ["candidates", colors[1]]].forEach(function (kind) {
        series.push({
          type: "bar", stack: tier, name: config.tiers[tier] + " · " + t[kind[0]], itemStyle: {color: kind[1]},
          barMaxWidth: 18, emphasis: {focus: "series"},
          data: places.map(function (place) { const r = cell[place + "|" + tier]; return r ? r[kind[0]] : 0; }),
        });
      });
    });
    draw(el, {
      tooltip: TOOLTIP,
      legend: {type: "scroll", top: 0},
      grid: {left: 8, right: 16, top: 40, bottom: 8, containLabel: true},
      xAxis: {type: "category", data: places, axisLabel: axisLabels(places.length)},
      yAxis: {type: "value", minInterval: 1},
      series: series,
    });
    table(tableEl, data.year ? t.yearOf.replace("%(year)s", data.year) : "", [byPark ? t.park : t.district, t.tier, t.designated, t.candidates],
      rows.map(function (r) {
        return [(byPark ? r.park_name : r.district_name) || "—", config.tiers[r.tier], String(r.designated), String(r.candidates)];
      }), [false, false, true, true]);
  }

  async function parkChart(el, tableEl) {
    const data = await load(config.reports.parks, {year: year});
    basis("parks", data);
    const rows = rowsOf(data);
    if (!rows.length) return note(el, t.noData, "empty");
    const rates = rows.map(function (r) { return number(r.occupancy); });
    draw(el, {
      tooltip: TOOLTIP,
      grid: {left: 8, right: 16, top: 24, bottom: 8, containLabel: true},
      xAxis: {type: "category", data: rows.map(function (r) { return r.park_name; }), axisLabel: axisLabels(rows.length)},
      yAxis: {type: "value", min: 0, max: 100, axisLabel: {formatter: "{value}%"}},
      series: [{
        type: "bar", name: t.occupancy, barMaxWidth: 36, itemStyle: {color: COLORS.notMet},
        data: rates.map(function (v) { return v === null ? 0 : v; }),
        label: {show: true, position: "top", formatter: function (p) {
          return rates[p.dataIndex] === null ? "—" : show(rates[p.dataIndex], 2) + "%";
        }},
      }],
    });
    table(tableEl, data.as_of ? t.on + " " + data.as_of : "",
      [t.park, t.district, t.leasableArea, t.letArea, t.occupancy, t.tenants, t.ending90, t.notFiled],
      rows.map(function (r, i) {
        return [r.park_name, r.district_name || "—", show(r.leasable_area), show(r.let_area), show(rates[i], 2),
                show(r.tenants), show(r.ending_90), show(r.not_filed_count)];
      }), [false, false, true, true, true, true, true, true]);
  }

  async function districtChart(el, tableEl) {
    const data = await load(config.reports.districts, {year: year});
    basis("districts", data);
    const rows = rowsOf(data);
    if (!rows.length) return note(el, t.noData, "empty");
    const names = rows.map(function (r) { return r.district_name; });
    draw(el, {
      tooltip: TOOLTIP,
      legend: {top: 0},
      grid: {left: 8, right: 16, top: 36, bottom: 8, containLabel: true},
      xAxis: {type: "category", data: names, axisLabel: axisLabels(rows.length)},
      yAxis: {type: "value", minInterval: 1},
      series: [
        {type: "bar", name: t.enterprises, itemStyle: {color: COLORS.tiers[0][0]}, barMaxWidth: 36,
         data: rows.map(function (r) { return number(r.enterprises) || 0; })},
        {type: "bar", name: t.tenants, itemStyle: {color: COLORS.tiers[1][0]}, barMaxWidth: 36,
         data: rows.map(function (r) { return number(r.tenants) || 0; })},
      ],
    });
    table(tableEl, data.year ? t.yearOf.replace("%(year)s", data.year) : "", [t.district, t.enterprises, t.tenants, t.revenue, t.dhRevenue, t.occupancy],
      rows.map(function (r) {
        return [r.district_name, show(r.enterprises), show(r.tenants), money(r.revenue), money(r.digital_human_revenue),
                show(number(r.occupancy), 2)];
      }), [false, true, true, true, true, true]);
  }

  async function assessmentChart(el, tableEl) {
    const enterprise = config.enterprises.find(function (e) { return String(e.id) === el.dataset.enterprise; });
    const data = await load(enterprise.assessment);
    const tiers = data.tiers || [];
    if (!tiers.length) return note(el, t.noData, "empty");
    const names = tiers.map(function (r) { return config.tiers[r.tier] || r.label; });
    const passed = tiers.map(function (r) { return r.criteria.filter(function (c) { return c.passed; }).length; });
    const failed = tiers.map(function (r) { return r.criteria.filter(function (c) { return !c.passed; }).length; });
    draw(el, {
      tooltip: TOOLTIP,
      legend: {top: 0},
      grid: {left: 8, right: 24, top: 36, bottom: 8, containLabel: true},
      xAxis: {type: "value", minInterval: 1},
      yAxis: {type: "category", inverse: true, data: names},
      series: [
        {type: "bar", stack: "criteria", name: t.criteriaMet, itemStyle: {color: COLORS.met}, data: passed,
         label: {show: true, formatter: function (p) { return p.value ? String(p.value) : ""; }}},
        {type: "bar", stack: "criteria", name: t.criteriaFailed, itemStyle: {color: COLORS.failed}, data: failed,
         label: {show: true, formatter: function (p) { return p.value ? String(p.value) : ""; }}},
      ],
    });
    table(tableEl, data.rule_set_name + (data.year ? " · " + t.yearOf.replace("%(year)s", data.year) : ""),
      [t.tier, t.met, t.criteriaMet, t.criteriaFailed],
      tiers.map(function (r, i) {
        const state = (data.held || []).indexOf(r.tier) >= 0 ? t.held : (r.met ? t.met : t.notMet);
        return [names[i], state, String(passed[i]), String(failed[i])];
      }), [false, false, true, true]);
    if ((data.gaps || []).length) {
      const p = document.createElement("p");
      p.className = "gaps";
      p.textContent = t.gaps;
      const ul = document.createElement("ul");
      data.gaps.forEach(function (gap) { const li = document.createElement("li"); li.textContent = gap; ul.appendChild(li); });
      tableEl.append(p, ul);
    }
  }

  const RENDERERS = {plan: planChart, tiers: tierChart, parks: parkChart, districts: districtChart,
                     assessment: assessmentChart};

  async function render(el) {
    const name = el.dataset.chart;
    const tableEl = el.parentElement.querySelector('[data-table="' + name + '"]');
    if (name !== "assessment" && !config.reports[name]) return note(el, t.noData, "empty");
    reset(el);
    if (tableEl) tableEl.replaceChildren();
    try {
      await RENDERERS[name](el, tableEl);
    } catch (error) {
      note(el, t.loadError, "error");
    }
  }

  // The root's data-state is "ready" once every chart has loaded its report and been drawn (or said why not); then,
  // once every chart drawn has painted, the performance mark "charts-finished" (the time from navigation start to
  // the last chart drawn, which the benchmark reads).
  function renderAll(selector) {
    root.dataset.state = "loading";
    drawn = [];
    return Promise.all(Array.from(document.querySelectorAll(selector)).map(render)).then(function () {
      root.dataset.state = "ready";
      return Promise.all(drawn);
    }).then(function () {
      performance.mark("charts-finished", {detail: {charts: drawn.length}});
    });
  }

  // The year picker: the report charts (not the enterprises' self-assessments) redrawn for the chosen year, the
  // address keeping it (a reload or a shared link shows the same year); without the script, the form's GET does.
  const picker = document.getElementById("report-year");
  if (picker) {
    picker.addEventListener("change", function () {
      year = Number(picker.value);
      const url = new URL(window.location.href);
      url.searchParams.set("year", String(year));
      window.history.replaceState(null, "", url);
      renderAll('[data-chart]:not([data-chart="assessment"])');
    });
  }

  renderAll("[data-chart]");
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
