/* The command screen (大屏): a clock, the four-colour map (drawn from reports:risk_map_data, the risk
   map's own endpoint) and the figures, re-fetched from reports:screen_data every refreshSeconds and
   written in place (textContent only, never HTML) without reloading the page. Configuration and
   labels come from json_script "screen-config". */
(function () {
  "use strict";
  var configEl = document.getElementById("screen-config");
  if (!configEl) return;
  var config = JSON.parse(configEl.textContent);
  var labels = config.labels;

  function fmt(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_m, k) { return values[k]; });
  }

  // ---- clock (Asia/Shanghai) ----
  var clock = document.getElementById("screen-clock");
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function tick() {
    var now = new Date(Date.now() + (480 + new Date().getTimezoneOffset()) * 60000);
    clock.textContent = now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate()) + " " +
      pad(now.getHours()) + ":" + pad(now.getMinutes()) + ":" + pad(now.getSeconds());
  }
  if (clock) { tick(); window.setInterval(tick, 1000); }

  // ---- figures ----
  function rateText(rate) { return rate === null || rate === undefined ? "—" : (rate * 100).toFixed(1) + "%"; }

  function setFigures(data) {
    document.querySelectorAll("[data-screen-key]").forEach(function (el) {
      var parts = el.getAttribute("data-screen-key").split(".");
      var value = data[parts[0]] ? data[parts[0]][parts[1]] : null;
      el.textContent = parts[1] === "rectification_rate" ? rateText(value) : (value === null ? "—" : value);
    });
    var box = document.getElementById("screen-activities");
    if (box) {
      box.replaceChildren();
      data.activities.forEach(function (a) {
        var col = document.createElement("div");
        col.className = "col-4";
        var v = document.createElement("div");
        v.className = "mid";
        v.setAttribute("data-screen-activity", a.name);
        v.textContent = a.value;
        var l = document.createElement("div");
        l.className = "lbl";
        l.textContent = a.label;
        col.append(v, l);
        box.append(col);
      });
    }
    var month = document.getElementById("screen-month");
    if (month) month.textContent = data.month.date_from + " ~ " + data.month.date_to;
    setList("screen-overdue", data.overdue, function (h) { return fmt(labels.overdueDays, { n: h.days_overdue }); }, "c-red");
    setList("screen-escalated", data.escalated, function (h) { return h.level_label + " · " + h.status_label; }, "");
    var updated = document.getElementById("screen-updated");
    if (updated) updated.textContent = fmt(labels.updated, { t: data.generated_at.slice(11, 19) });
  }

  function setList(id, rows, meta, metaClass) {
    var ul = document.getElementById(id);
    if (!ul) return;
    ul.replaceChildren();
    if (!rows.length) {
      var empty = document.createElement("li");
      empty.className = "lbl";
      empty.textContent = labels.none;
      ul.append(empty);
      return;
    }
    rows.forEach(function (h) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = h.url;
      a.textContent = h.number + " " + h.site;
      var span = document.createElement("span");
      span.className = "meta " + metaClass;
      span.textContent = meta(h);
      li.append(a, span);
      ul.append(li);
    });
  }

  // ---- map ----
  var mapEl = document.getElementById("screen-map");
  var chart = null;
  var rank = { low: 1, general: 2, significant: 3, major: 4 };

  function drawMap(data) {
    if (!mapEl || typeof echarts === "undefined") return;
    var geo = {
      type: "FeatureCollection",
      features: data.features.filter(function (f) { return f.geometry; }).map(function (f) {
        return { type: "Feature", id: f.id, properties: { name: f.properties.name }, geometry: f.geometry };
      })
    };
    var mapName = "safegrid-screen-" + (data.region ? data.region.id : "top");
    echarts.registerMap(mapName, geo);
    var levelLabel = {};
    data.levels.forEach(function (l) { levelLabel[l.value] = l.label; });
    var byName = {};
    var areas = data.features.map(function (f) {
      var item = { name: f.properties.name, value: f.properties.level ? rank[f.properties.level] : 0, props: f.properties };
      byName[item.name] = item;
      return item;
    });
    var pieces = data.levels.map(function (l) { return { value: rank[l.value], label: l.label, color: l.colour }; });
    pieces.push({ value: 0, label: labels.noPoints, color: "#23344f" });
    var sites = data.sites.filter(function (s) { return s.lon !== null && s.lat !== null; }).map(function (s) {
      return { name: s.name, value: [s.lon, s.lat], level: s.level, itemStyle: { color: s.colour } };
    });
    if (!chart) {
      chart = echarts.init(mapEl, "dark", { renderer: "canvas" });
      window.addEventListener("resize", function () { chart.resize(); });
    }
    // Above a cap the data carries no sites but `sites_omitted`: say so instead of an empty map.
    var hint = data.sites_omitted ? fmt(labels.sitesOmitted, { n: data.sites_omitted }) : "";
    chart.setOption({
      backgroundColor: "transparent",
      title: { text: "", subtext: hint, left: "center", top: 4, subtextStyle: { fontSize: 12, color: "#9fb3d1" } },
      tooltip: {
        trigger: "item",
        formatter: function (p) {
          if (p.seriesType === "scatter") return p.name + "<br>" + (levelLabel[p.data.level] || "");
          var area = byName[p.name];
          if (!area) return p.name;
          var lines = [p.name, labels.worst + "：" + (area.props.level ? levelLabel[area.props.level] : labels.noPoints)];
          data.levels.forEach(function (l) { lines.push(l.label + "：" + area.props.counts[l.value]); });
          lines.push(labels.sites + "：" + area.props.site_count);
          return lines.join("<br>");
        }
      },
      visualMap: { type: "piecewise", seriesIndex: 0, pieces: pieces, left: 10, bottom: 10, orient: "vertical",
        selectedMode: false, textStyle: { color: "#dbe7ff" } },
      geo: {
        map: mapName, roam: true, aspectScale: 0.85,
        label: { show: true, fontSize: 12, color: "#fff" },
        itemStyle: { borderColor: "#5b8fd6", borderWidth: 1, areaColor: "#23344f" },
        emphasis: { label: { show: true }, itemStyle: { shadowBlur: 8, shadowColor: "rgba(0,160,255,.6)" } }
      },
      series: [
        { id: "areas", type: "map", geoIndex: 0, data: areas },
        { id: "sites", type: "scatter", coordinateSystem: "geo", symbolSize: 8, zlevel: 2,
          itemStyle: { borderColor: "#0b1526", borderWidth: 1 }, data: sites }
      ]
    }, true);
  }

  // ---- polling ----
  var stale = document.getElementById("screen-stale");
  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.json();
    });
  }
  function loadMap() {
    if (config.mapUrl) getJSON(config.mapUrl).then(drawMap).catch(function () {});
  }
  function refresh() {
    getJSON(config.dataUrl).then(function (data) {
      setFigures(data);
      if (stale) stale.classList.add("d-none");
    }).catch(function () {
      if (stale) { stale.textContent = labels.stale; stale.classList.remove("d-none"); }
    });
    loadMap();
  }
  loadMap();
  window.setInterval(refresh, (config.refreshSeconds || 60) * 1000);
})();
