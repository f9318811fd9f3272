/* landcycle maps: parcels drawn from GeoJSON with Leaflet, no tiles (nothing is fetched from the internet). */
(function () {
  "use strict";
  var LC = (window.LC = window.LC || {});

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function fmt(n, places) {
    return Number(n).toLocaleString("zh-CN", { minimumFractionDigits: places, maximumFractionDigits: places });
  }
  function fill(template, n) { return template.replace("%(n)s", fmt(n, 0)); }

  function parkColour(cfg, data, parkId) {
    var ids = Object.keys(data.parks || {}).sort(function (a, b) { return a - b; });
    var i = ids.indexOf(String(parkId));
    return cfg.parkColours[(i < 0 ? 0 : i) % cfg.parkColours.length];
  }

  /* Red, yellow and green mean warnings only: "none" (grey) is a parcel nothing supervised is on. */
  function warningKey(p) { return p.warning || "none"; }
  function warningColour(cfg, p) { return (cfg.warningColours || {})[warningKey(p)] || "#b8bec8"; }

  function popup(cfg, data, p) {
    var box = el("div", { "class": "popup" });
    box.appendChild(el("strong", {}, p.number));
    var dl = el("dl");
    var rows = [[cfg.labels.park, (data.parks || {})[p.park] || ""],
     [cfg.labels.area, fmt(p.area_m2, 2) + " " + cfg.labels.m2 + " / " + fmt(p.area_mu, 2) + " " + cfg.labels.mu],
     [cfg.labels.status, (data.statuses || {})[p.status] || p.status]];
    if ("warning" in p && cfg.warningNames) rows.push([cfg.labels.warning, cfg.warningNames[warningKey(p)]]);
    rows.forEach(function (row) {
      dl.appendChild(el("dt", {}, row[0])); dl.appendChild(el("dd", {}, row[1]));
    });
    box.appendChild(dl);
    box.appendChild(el("a", { href: data.parcel_url.replace("{id}", p.id) }, cfg.labels.open + " ›"));
    return box;
  }

  function newMap(node) {
    var map = L.map(node, { attributionControl: false, zoomSnap: 0.25, minZoom: 3, maxZoom: 20 });
    L.control.scale({ imperial: false }).addTo(map);
    map.setView([30.2, 121.3], 11);
    return map;
  }

  function fit(map, data, layer, pad) {
    var b = data.bbox, opts = { padding: [pad || 16, pad || 16], maxZoom: 18 };
    if (b) map.fitBounds([[b[1], b[0]], [b[3], b[2]]], opts);
    else if (layer && layer.getLayers().length) map.fitBounds(layer.getBounds(), opts);
  }

  /* Draw a FeatureCollection; returns the layer. opts: colourBy ("status" | "park"), weight, popups. */
  LC.drawParcels = function (map, cfg, data, opts) {
    opts = opts || {};
    var many = (data.features || []).length > 1500;
    var layer = L.geoJSON(data, {
      renderer: many ? L.canvas({ padding: 0.3 }) : L.svg(),
      style: function (f) {
        var c = opts.colour || (opts.colourBy === "park" ? parkColour(cfg, data, f.properties.park)
                                : opts.colourBy === "warning" ? warningColour(cfg, f.properties)
                                : cfg.statusColours[f.properties.status] || "#8a919c");
        return { color: c, weight: opts.weight || 1, fillColor: c, fillOpacity: opts.fillOpacity || 0.45,
                 opacity: 0.9 };
      },
      interactive: opts.popups !== false,
      onEachFeature: function (f, l) {
        if (opts.popups !== false) l.bindPopup(function () { return popup(cfg, data, f.properties); });
      }
    }).addTo(map);
    return layer;
  };

  LC.legend = function (node, cfg, data, colourBy) {
    node.textContent = "";
    var counts = {};
    (data.features || []).forEach(function (f) {
      var k = colourBy === "park" ? f.properties.park
            : colourBy === "warning" ? warningKey(f.properties) : f.properties.status;
      counts[k] = (counts[k] || 0) + 1;
    });
    var keys = colourBy === "park"
      ? Object.keys(data.parks || {}).sort(function (a, b) { return a - b; })
      : colourBy === "warning" ? ["red", "yellow", "green", "none"] : Object.keys(cfg.statusColours);
    keys.forEach(function (k) {
      var row = el("div", { "class": "legend-item", "data-key": String(k) });
      var sw = el("i");
      sw.style.background = colourBy === "park" ? parkColour(cfg, data, k)
                          : colourBy === "warning" ? cfg.warningColours[k] : cfg.statusColours[k];
      row.appendChild(sw);
      row.appendChild(el("span", {}, colourBy === "park" ? data.parks[k]
                                      : colourBy === "warning" ? cfg.warningNames[k] : (data.statuses || {})[k] || k));
      row.appendChild(el("em", {}, fmt(counts[k] || 0, 0)));
      node.appendChild(row);
    });
  };

  /* The 地块地图 page. */
  LC.parcelMapPage = function () {
    var node = document.getElementById("map");
    var cfg = JSON.parse(document.getElementById("map-config").textContent);
    var status = document.getElementById("map-status");
    var legend = document.getElementById("legend-items");
    var on = document.querySelector("[data-colour-by].on");
    var map = newMap(node), data = null, layer = null, colourBy = on ? on.getAttribute("data-colour-by") : "status";
    var note = document.getElementById("warning-note");
    status.textContent = cfg.labels.loading;

    function draw() {
      if (layer) map.removeLayer(layer);
      layer = LC.drawParcels(map, cfg, data, { colourBy: colourBy });
      LC.legend(legend, cfg, data, colourBy);
      node.setAttribute("data-drawn", String(data.features.length));
      node.setAttribute("data-colour-by", colourBy);
      if (note) note.hidden = colourBy !== "warning";
    }
    document.querySelectorAll("[data-colour-by]").forEach(function (b) {
      b.addEventListener("click", function () {
        colourBy = b.getAttribute("data-colour-by");
        document.querySelectorAll("[data-colour-by]").forEach(function (o) { o.classList.toggle("on", o === b); });
        if (data) draw();
      });
    });
    fetch(node.getAttribute("data-src"), { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (d) {
        data = d;
        if (d.park_boundaries && d.park_boundaries.length) {
          L.geoJSON({ type: "FeatureCollection", features: d.park_boundaries },
                    { style: { color: "#56657a", weight: 1.5, dashArray: "4 3", fill: false }, interactive: false }).addTo(map);
        }
        draw();
        fit(map, d, layer);
        var msg = d.features.length ? fill(cfg.labels.drawn, d.features.length) : cfg.labels.none;
        if (d.missing) msg += "；" + fill(cfg.labels.missing, d.missing);
        status.textContent = msg;
      })
      .catch(function () { status.textContent = cfg.labels.failed; node.setAttribute("data-drawn", "error"); });
  };

  /* A small map on a detail page: data in <script type="application/json"> elements. */
  LC.smallMap = function (nodeId, dataId, contextId, cfgId) {
    var node = document.getElementById(nodeId);
    var cfg = JSON.parse(document.getElementById(cfgId).textContent);
    var data = JSON.parse(document.getElementById(dataId).textContent);
    var map = newMap(node);
    if (data.park_boundaries && data.park_boundaries.length) {
      L.geoJSON({ type: "FeatureCollection", features: data.park_boundaries },
                { style: { color: "#56657a", weight: 1.5, dashArray: "4 3", fill: false }, interactive: false }).addTo(map);
    }
    var context = contextId && document.getElementById(contextId);
    if (context) {
      var ctx = JSON.parse(context.textContent);
      LC.drawParcels(map, cfg, ctx, { colour: "#a9b1bd", fillOpacity: 0.25 });
      if (!data.features.length) fit(map, ctx);
    }
    var layer = LC.drawParcels(map, cfg, data, { colourBy: "status", weight: context ? 2.5 : 1,
                                                 fillOpacity: context ? 0.6 : 0.45 });
    if (data.features.length) fit(map, data, layer, context ? 70 : 16);
    node.setAttribute("data-drawn", String(data.features.length));
    var present = {};
    data.features.forEach(function (f) { present[f.properties.status] = true; });
    var legend = el("div", { "class": "legend-inline" });
    Object.keys(cfg.statusColours).forEach(function (k) {
      if (!present[k]) return;
      var row = el("span", { "class": "legend-item" }), sw = el("i");
      sw.style.background = cfg.statusColours[k];
      row.appendChild(sw); row.appendChild(el("span", {}, (data.statuses || {})[k] || k));
      legend.appendChild(row);
    });
    if (context) {
      var row = el("span", { "class": "legend-item" }), sw = el("i");
      sw.style.background = "#a9b1bd";
      row.appendChild(sw); row.appendChild(el("span", {}, cfg.labels.others));
      legend.appendChild(row);
    }
    node.parentNode.insertBefore(legend, node.nextSibling);
    return map;
  };
})();
