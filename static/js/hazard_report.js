// hazards/hazard_report.html: locate the phone and order the sites by distance (no map service).
(function () {
  "use strict";
// Sites ordered by distance from the phone, nearest selected (no map service: plain geometry).
function sortSitesByDistance(lon, lat) {
  var points = JSON.parse(document.getElementById("site-points").textContent);
  var select = document.getElementById("id_site");
  var cos = Math.cos(lat * Math.PI / 180), dist = {};
  points.forEach(function (p) {
    var dx = (p[1] - lon) * 111320 * cos, dy = (p[2] - lat) * 110540;
    dist[String(p[0])] = Math.sqrt(dx * dx + dy * dy);
  });
  var options = Array.prototype.slice.call(select.options).filter(function (o) { return o.value; });
  options.sort(function (a, b) { return (dist[a.value] ?? Infinity) - (dist[b.value] ?? Infinity); });
  options.forEach(function (o) { select.appendChild(o); });
  if (options.length && dist[options[0].value] !== undefined) { select.value = options[0].value; return [options[0].text, dist[options[0].value]]; }
  return null;
}
document.getElementById("gps-btn").addEventListener("click", function () {
  var status = document.getElementById("gps-status");
  if (!navigator.geolocation) { status.textContent = status.dataset.unsupported; return; }
  status.textContent = status.dataset.locating;
  navigator.geolocation.getCurrentPosition(function (pos) {
    document.getElementById("id_longitude").value = pos.coords.longitude.toFixed(6);
    document.getElementById("id_latitude").value = pos.coords.latitude.toFixed(6);
    status.textContent = status.dataset.located + pos.coords.longitude.toFixed(5) + ", " + pos.coords.latitude.toFixed(5);
    var nearest = sortSitesByDistance(pos.coords.longitude, pos.coords.latitude);
    if (nearest) { status.textContent += " · " + status.dataset.nearest + nearest[0] + " (" + Math.round(nearest[1]) + " " + status.dataset.metres + ")"; }
  }, function () { status.textContent = status.dataset.failed; }, {timeout: 10000});
});
})();
