/* The four-colour risk map: our own GeoJSON (no tile server) drawn with ECharts.
   Areas are coloured by their worst level; clicking one reloads the page one level down
   (?region=<id>), clicking a site opens its page. Data and labels come from json_script.
   Above a cap the data carries no sites but `sites_omitted` (how many): a hint under the title
   asks for a county or township instead. */
(function () {
  "use strict";
  var el = document.getElementById("risk-map");
  var dataEl = document.getElementById("risk-map-data");
  if (!el || !dataEl || typeof echarts === "undefined") return;
  var data = JSON.parse(dataEl.textContent);
  var labels = JSON.parse(document.getElementById("risk-map-labels").textContent);
  var levelLabel = {};
  data.levels.forEach(function (l) { levelLabel[l.value] = l.label; });

  var geo = {
    type: "FeatureCollection",
    features: data.features.filter(function (f) { return f.geometry; }).map(function (f) {
      return { type: "Feature", id: f.id, properties: { name: f.properties.name }, geometry: f.geometry };
    })
  };
  var mapName = "safegrid-" + (data.region ? data.region.id : "top");
  echarts.registerMap(mapName, geo);

  function withFilters(query) {
    var params = new URLSearchParams(window.location.search);
    Object.keys(query).forEach(function (k) { params.set(k, query[k]); });
    return "?" + params.toString();
  }

  var rank = { low: 1, general: 2, significant: 3, major: 4 };
  // Coloured by worst level (default) or, with colour_by=count, by a sequential scale of point counts.
  var byCount = data.colour_by === "count";
  var byName = {};
  var areas = data.features.map(function (f) {
    var p = f.properties;
    var value = byCount ? p.count_band : (p.level ? rank[p.level] : 0);
    var item = { name: p.name, value: value, regionId: p.id, drillable: p.drillable, props: p };
    byName[p.name] = item;
    return item;
  });
  var pieces;
  if (byCount) {
    pieces = data.count_bands.map(function (b) { return { value: b.band, label: b.label, color: b.colour }; });
  } else {
    pieces = data.levels.map(function (l) { return { value: rank[l.value], label: l.label, color: l.colour }; });
    pieces.push({ value: 0, label: labels.none, color: "#e9ecef" });
  }
  var sites = data.sites.filter(function (s) { return s.lon !== null && s.lat !== null; }).map(function (s) {
    return { name: s.name, value: [s.lon, s.lat], url: s.url, level: s.level, itemStyle: { color: s.colour } };
  });

  function fmt(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_m, k) { return values[k]; });
  }
  var hint = data.sites_omitted ? fmt(labels.sitesOmitted, { n: data.sites_omitted }) : "";

  var chart = echarts.init(el, null, { renderer: "canvas" });
  chart.setOption({
    title: { text: labels.title + (data.region ? " · " + data.region.name : ""), left: "center", top: 6,
      textStyle: { fontSize: 15 }, subtext: hint, subtextStyle: { fontSize: 12, color: "#6c757d" } },
    tooltip: {
      trigger: "item",
      formatter: function (p) {
        if (p.seriesType === "scatter") {
          return p.name + "<br>" + (levelLabel[p.data.level] || "");
        }
        var area = byName[p.name];
        if (!area) return p.name;
        var c = area.props.counts;
        var lines = [p.name];
        lines.push(labels.worst + "：" + (area.props.level ? levelLabel[area.props.level] : labels.none));
        if (byCount) lines.push(labels.total + "：" + area.props.total);
        data.levels.forEach(function (l) { lines.push(l.label + "：" + c[l.value]); });
        lines.push(labels.sites + "：" + area.props.site_count);
        return lines.join("<br>");
      }
    },
    visualMap: { type: "piecewise", seriesIndex: 0, pieces: pieces, left: 10, bottom: 10, orient: "vertical",
      selectedMode: false },
    geo: {
      map: mapName, roam: true, aspectScale: 0.85,
      label: { show: true, fontSize: 11, color: "#222" },
      itemStyle: { borderColor: "#fff", borderWidth: 1, areaColor: "#e9ecef" },
      emphasis: { label: { show: true }, itemStyle: { shadowBlur: 6, shadowColor: "rgba(0,0,0,.3)" } }
    },
    series: [
      { id: "areas", name: labels.points, type: "map", geoIndex: 0, data: areas },
      { id: "sites", name: labels.sites, type: "scatter", coordinateSystem: "geo", symbolSize: 9, zlevel: 2,
        itemStyle: { borderColor: "#fff", borderWidth: 1 }, data: sites }
    ]
  });

  // Areas answer as the map series or as the shared geo component, depending on where the click lands.
  chart.on("click", function (params) {
    if (params.seriesType === "scatter") {
      if (params.data && params.data.url) window.location.href = params.data.url;
      return;
    }
    var area = byName[params.name];
    if (area && area.drillable) window.location.href = withFilters({ region: area.regionId });
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
