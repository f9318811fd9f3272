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

  /* A park keeps its colour whatever else is on the map: the colour follows its id. */
  function parkColour(cfg, data, parkId) {
    var i = parseInt(parkId, 10) || 0;
    return cfg.parkColours[i % cfg.parkColours.length];
  }

  /* Red, yellow and green mean warnings only: "none" (grey) is a parcel nothing supervised is on. */
  function warningKey(p) { return p.warning || "none"; }
  /* A colouring registered by a stage above the registry (warning, exits, renewal …): each feature carries its
     colour key under the colouring's key, the configuration its colours (<key>Colours) and names (<key>Names). */
  function registered(by) { return by !== "status" && by !== "park"; }
  function colourKey(by, p) { return p[by] || "none"; }
  function colouringColour(cfg, by, p) { return (cfg[by + "Colours"] || {})[colourKey(by, p)] || "#b8bec8"; }
  function colouringKeys(cfg, by) {
    if (by === "warning") return ["red", "yellow", "green", "none"];
    var keys = Object.keys(cfg[by + "Colours"] || {});
    return keys.indexOf("none") < 0 ? keys.concat(["none"]) : keys;
  }

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
    var b = data.bbox, opts = { padding: [pad || 16, pad || 16], maxZoom: 18, animate: false };
    if (b) map.fitBounds([[b[1], b[0]], [b[3], b[2]]], opts);
    else if (layer && layer.getLayers().length) map.fitBounds(layer.getBounds(), opts);
  }

  /* Draw a FeatureCollection; returns the layer. opts: colourBy ("status" | "park"), weight, popups. */
  LC.drawParcels = function (map, cfg, data, opts) {
    opts = opts || {};
    var many = (data.features || []).length > 1500;
    var layer = L.geoJSON(data, {
      renderer: opts.renderer || (many ? L.canvas({ padding: 0.3 }) : L.svg()),
      style: function (f) {
        var c = opts.colour || (opts.colourBy === "park" ? parkColour(cfg, data, f.properties.park)
                                : registered(opts.colourBy) ? colouringColour(cfg, opts.colourBy, f.properties)
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

  LC.legend = function (node, cfg, data, colourBy, given) {
    node.textContent = "";
    var counts = given ? Object.assign({}, given) : {};
    if (!given) (data.features || []).forEach(function (f) {
      var k = colourBy === "park" ? f.properties.park
            : registered(colourBy) ? colourKey(colourBy, f.properties) : f.properties.status;
      counts[k] = (counts[k] || 0) + 1;
    });
    var keys = colourBy === "park"
      ? Object.keys(data.parks || {}).sort(function (a, b) { return a - b; })
      : registered(colourBy) ? colouringKeys(cfg, colourBy) : Object.keys(cfg.statusColours);
    keys.forEach(function (k) {
      var row = el("div", { "class": "legend-item", "data-key": String(k) });
      var sw = el("i");
      sw.style.background = colourBy === "park" ? parkColour(cfg, data, k)
                          : registered(colourBy) ? (cfg[colourBy + "Colours"] || {})[k] || "#b8bec8"
                          : cfg.statusColours[k];
      row.appendChild(sw);
      row.appendChild(el("span", {}, colourBy === "park" ? data.parks[k]
                                      : registered(colourBy) ? (cfg[colourBy + "Names"] || {})[k] || k
                                      : (data.statuses || {})[k] || k));
      row.appendChild(el("em", {}, fmt(counts[k] || 0, 0)));
      node.appendChild(row);
    });
  };

  /* Town fills: soft colours, one per town (neighbours usually differ); red, yellow and green are not among them. */
  var TOWN_FILLS = ["#c9d8ef", "#e3d5ee", "#cfe6e4", "#eedfcc", "#d9ddf2", "#e6e0c8", "#d3e2f0", "#ead3df"];

  /* The optional base layer (settings LANDCYCLE_MAP_TILES…): none by default, nothing fetched from outside. */
  function addTiles(map, cfg) {
    (cfg.tiles || []).forEach(function (url, i) {
      L.tileLayer(url, { subdomains: cfg.tilesSubdomains || "abc", maxZoom: 20,
                         maxNativeZoom: cfg.tilesMaxZoom || 18,
                         attribution: i === 0 ? cfg.tilesAttribution || "" : "" }).addTo(map);
    });
    if ((cfg.tiles || []).length) {
      map.getContainer().classList.add("with-tiles");
      if (cfg.tilesAttribution) L.control.attribution({ prefix: false }).addTo(map);
    }
  }

  function label(latlng, text, cls, pane) {
    var node = el("span", { "class": "map-label " + cls }, text);
    return L.marker(latlng, { icon: L.divIcon({ className: "map-label-anchor", html: node, iconSize: null }),
                              interactive: false, keyboard: false, pane: pane });
  }

  /* Hide labels that would overlap one already shown or that do not fit in the map: the groups in the order given
     (each list in its own order, larger first). */
  function declutter(node, groups) {
    var box = node.getBoundingClientRect(), kept = [];
    groups.forEach(function (markers) {
      markers.forEach(function (m) {
        var e = m.getElement && m.getElement();
        if (!e) return;
        var span = e.firstChild;
        span.classList.remove("hidden");
        var r = span.getBoundingClientRect();
        var off = r.left < box.left || r.right > box.right || r.top < box.top || r.bottom > box.bottom;
        var clash = !off && kept.some(function (k) {
          return !(r.right + 3 < k.left || r.left - 3 > k.right || r.bottom + 1 < k.top || r.top - 1 > k.bottom);
        });
        if (clash || off) span.classList.add("hidden"); else kept.push(r);
      });
    });
  }

  /* The 地块地图 page: town and park outlines with their names first (map/outlines.geojson), parcels of the view
     once zoomed in (map/view.geojson?bbox=…&zoom=…), labels by zoom: towns at county zoom, parks closer, parcel
     numbers close up. */
  LC.parcelMapPage = function () {
    var node = document.getElementById("map");
    var cfg = JSON.parse(document.getElementById("map-config").textContent);
    var status = document.getElementById("map-status");
    var legend = document.getElementById("legend-items");
    var countNote = document.getElementById("legend-count");
    var on = document.querySelector("[data-colour-by].on");
    var colourBy = on ? on.getAttribute("data-colour-by") : "status";
    var note = document.getElementById("warning-note");
    var map = newMap(node);
    node.lcMap = map;  /* for tests and the browser console */
    addTiles(map, cfg);
    map.createPane("outlines").style.zIndex = 350;
    map.createPane("labels").style.zIndex = 640;
    map.getPane("labels").style.pointerEvents = "none";
    var parcelZoom = cfg.parcelZoom, PARK_LABELS = parcelZoom - 1.5, PARCEL_LABELS = parcelZoom + 3;
    var outlines = null, towns = null, parks = null, townLabels = [], parkLabels = [];
    var parcels = null, parcelLayer = null, parcelLabels = L.layerGroup(), loadedKey = null, loadedBounds = null;
    var pending = null;
    var renderer = L.canvas({ padding: 0.3 });
    var labelLayer = L.layerGroup().addTo(map);
    status.textContent = cfg.labels.loading;

    function parkStyle(f) {
      var z = map.getZoom(), close = z >= parcelZoom;
      var fill = colourBy === "park" ? parkColour(cfg, outlines, f.properties.id) : "#7d8ca3";
      return { pane: "outlines", color: "#44536a", weight: close ? 1.4 : 1, dashArray: close ? "5 4" : null,
               fill: !close, fillColor: fill, fillOpacity: colourBy === "park" ? 0.6 : tiled ? 0.3 : 0.45, opacity: 0.9 };
    }
    var tiled = (cfg.tiles || []).length > 0;  /* over a base map the outlines are filled more lightly */
    function townStyle(f) {
      var close = map.getZoom() >= parcelZoom;
      return { pane: "outlines", color: "#3d4a5c", weight: close ? 1.5 : 2, opacity: 0.8,
               fillColor: TOWN_FILLS[f.properties.id % TOWN_FILLS.length],
               fillOpacity: close ? 0.18 : tiled ? 0.25 : 0.5 };
    }
    function parkPopup(p) {
      var box = el("div", { "class": "popup" });
      box.appendChild(el("strong", {}, p.name));
      var dl = el("dl");
      [[cfg.labels.kind, p.park_kind], [cfg.labels.parcels, fmt(p.parcels, 0)]].forEach(function (row) {
        dl.appendChild(el("dt", {}, row[0])); dl.appendChild(el("dd", {}, row[1]));
      });
      box.appendChild(dl);
      if (p.derived) box.appendChild(el("div", { "class": "note" }, cfg.labels.derived));
      box.appendChild(el("a", { href: outlines.park_url.replace("{id}", p.id) }, cfg.labels.openPark + " ›"));
      return box;
    }

    function drawOutlines() {
      var townFs = outlines.features.filter(function (f) { return f.properties.kind === "town"; });
      var parkFs = outlines.features.filter(function (f) { return f.properties.kind === "park"; });
      towns = L.geoJSON({ type: "FeatureCollection", features: townFs }, {
        style: townStyle,
        onEachFeature: function (f, l) {  /* a click on a town (outside its parks) brings the town into view */
          l.on("click", function () { map.fitBounds(l.getBounds(), { padding: [12, 12] }); });
        }
      }).addTo(map);
      parks = L.geoJSON({ type: "FeatureCollection", features: parkFs }, {
        style: parkStyle,
        onEachFeature: function (f, l) { l.bindPopup(function () { return parkPopup(f.properties); }); }
      }).addTo(map);
      townFs.forEach(function (f) {
        var p = f.properties;
        townLabels.push(label([p.label[1], p.label[0]], p.name, "map-label-town", "labels"));
      });
      parkFs.sort(function (a, b) { return b.properties.parcels - a.properties.parcels; }).forEach(function (f) {
        var p = f.properties;
        parkLabels.push(label([p.label[1], p.label[0]], p.name, "map-label-park", "labels"));
      });
      node.setAttribute("data-towns", String(townFs.length));
      node.setAttribute("data-parks", String(parkFs.length));
    }

    function showLabels() {
      var z = map.getZoom();
      labelLayer.clearLayers();
      /* the towns' names below the parcel zoom (written between their parks), the parks' names from closer on where
         room is left, the parcels' numbers close up */
      var groups = [z < parcelZoom ? townLabels : [], z >= PARK_LABELS ? parkLabels : [],
                    z >= PARCEL_LABELS && parcels ? parcelLabels.getLayers() : []];
      groups.forEach(function (g) { g.forEach(function (m) { labelLayer.addLayer(m); }); });
      declutter(node, groups);
      var shown = { town: 0, park: 0, parcel: 0 };
      node.querySelectorAll(".map-label:not(.hidden)").forEach(function (e) {
        shown[e.classList.contains("map-label-town") ? "town" : e.classList.contains("map-label-park") ? "park"
              : "parcel"] += 1;
      });
      node.setAttribute("data-labels", shown.town + "," + shown.park + "," + shown.parcel);
    }

    function legendData() {
      if (parcels) return { data: parcels, counts: null };
      return { data: outlines, counts: outlines.counts };
    }
    function drawLegend() {
      var d = legendData();
      if (d.counts) {
        var fake = { parks: outlines.parks, statuses: outlines.statuses, features: [] };
        LC.legend(legend, cfg, fake, colourBy, d.counts[colourBy]);
      } else {
        LC.legend(legend, cfg, d.data, colourBy);
      }
      if (countNote) countNote.textContent = d.counts ? cfg.labels.countAll : cfg.labels.countView;
      if (note) note.hidden = colourBy !== "warning";
      node.setAttribute("data-colour-by", colourBy);
    }

    function drawParcels(d) {
      if (parcelLayer) map.removeLayer(parcelLayer);
      parcelLabels.clearLayers();
      parcels = d;
      parcelLayer = LC.drawParcels(map, cfg, d, { colourBy: colourBy,
                                                  renderer: d.features.length > 1500 ? renderer : null });
      parcelLayer.eachLayer(function (l) {
        parcelLabels.addLayer(label(l.getBounds().getCenter(), l.feature.properties.number, "map-label-parcel",
                                    "labels"));
      });
      node.setAttribute("data-drawn", String(d.features.length));
      status.textContent = fill(cfg.labels.inView, d.features.length);
    }
    function clearParcels(message) {
      if (parcelLayer) map.removeLayer(parcelLayer);
      parcelLayer = null; parcels = null; loadedKey = null; loadedBounds = null;
      parcelLabels.clearLayers();
      node.setAttribute("data-drawn", "0");
      status.textContent = message;
    }
    function outlineMessage() {
      return cfg.labels.outlines.replace("%(towns)s", node.getAttribute("data-towns"))
        .replace("%(parks)s", node.getAttribute("data-parks"));
    }

    function update() {
      var z = map.getZoom();
      towns.setStyle(townStyle); parks.setStyle(parkStyle);
      if (z < parcelZoom) {
        if (pending) { pending.abort(); pending = null; }
        if (parcels || node.getAttribute("data-drawn") !== "0") clearParcels(outlineMessage());
        drawLegend(); showLabels();
        return;
      }
      var view = map.getBounds(), band = Math.floor(z);
      if (loadedBounds && loadedBounds.contains(view) && loadedKey === band) { showLabels(); return; }
      var b = view.pad(0.25);
      var bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (x) { return x.toFixed(5); });
      var src = node.getAttribute("data-parcels");
      var url = src + (src.indexOf("?") < 0 ? "?" : "&") + "bbox=" + bbox.join(",") + "&zoom=" + band;
      if (pending) pending.abort();
      var ctl = (pending = new AbortController());
      node.setAttribute("data-loading", "1");
      fetch(url, { credentials: "same-origin", signal: ctl.signal })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (d) {
          pending = null;
          node.removeAttribute("data-loading");
          if (d.zoom_in) { clearParcels(cfg.labels.zoomIn); drawLegend(); showLabels(); return; }
          drawParcels(d);
          loadedKey = band; loadedBounds = b;
          drawLegend(); showLabels();
        })
        .catch(function (e) {
          if (e.name === "AbortError") return;
          node.removeAttribute("data-loading");
          status.textContent = cfg.labels.failed; node.setAttribute("data-drawn", "error");
        });
    }

    document.querySelectorAll("[data-colour-by]").forEach(function (b) {
      b.addEventListener("click", function () {
        colourBy = b.getAttribute("data-colour-by");
        document.querySelectorAll("[data-colour-by]").forEach(function (o) { o.classList.toggle("on", o === b); });
        if (!outlines) return;
        parks.setStyle(parkStyle);
        if (parcels) drawParcels(parcels);
        drawLegend(); showLabels();
      });
    });
    fetch(node.getAttribute("data-outlines"), { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (d) {
        outlines = d;
        drawOutlines();
        node.setAttribute("data-drawn", "0");
        status.textContent = d.features.length ? outlineMessage() : cfg.labels.none;
        if (d.bbox) fit(map, d, parks, 8);
        map.on("zoomend moveend", update);
        update();
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

  // Started from the page's markup, never from an inline script (the CSP allows no inline script):
  // <div data-small-map data-geo="…" data-context="…" data-config="…"> and <div id="map" data-map-page>.
  function start() {
    document.querySelectorAll("[data-small-map]").forEach(function (node) {
      LC.smallMap(node.id, node.dataset.geo, node.dataset.context || null, node.dataset.config);
    });
    if (document.querySelector("[data-map-page]")) LC.parcelMapPage();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
