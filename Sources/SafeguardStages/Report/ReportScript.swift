/// The report's own JavaScript: a first script that records any error (a script error, a
/// failed promise, a console error or warning, a request the page's Content-Security-Policy
/// blocked) where the reader sees it and the browser test reads it, and the code that hands
/// the figures to Leaflet (maps) and Chart.js (the funnel plots). The libraries draw; this code
/// only passes them the data and styles the report's JSON gives.
enum ReportScript {
  /// Runs first, in the head: every error is listed on `<html data-errors>` and in the
  /// `#report-errors` notice at the top of the page.
  static let errorHooks = """
    (function () {
      'use strict';
      var errors = [];
      function show() {
        document.documentElement.setAttribute('data-errors', String(errors.length));
        var box = document.getElementById('report-errors');
        if (box && errors.length) {
          box.hidden = false;
          box.textContent = 'This report could not draw everything: ' + errors.join(' | ');
        }
      }
      window.reportError = function (kind, message) { errors.push(kind + ': ' + message); show(); };
      window.addEventListener('error', function (event) {
        var target = event.target && event.target !== window ? ' (' + (event.target.tagName || 'element') + ')' : '';
        window.reportError('error', (event.message || 'a resource failed to load') + target);
      }, true);
      window.addEventListener('unhandledrejection', function (event) { window.reportError('promise', String(event.reason)); });
      document.addEventListener('securitypolicyviolation', function (event) {
        window.reportError('blocked', event.violatedDirective + ' ' + event.blockedURI);
      });
      ['error', 'warn'].forEach(function (level) {
        var original = console[level];
        console[level] = function () {
          window.reportError('console.' + level, Array.prototype.map.call(arguments, String).join(' '));
          return original.apply(console, arguments);
        };
      });
      document.addEventListener('DOMContentLoaded', show);
      show();
    })();
    """

  /// Draws every map and funnel plot from the JSON in `#report-data`.
  static let draw = """
    (function () {
      'use strict';
      var started = performance.now();
      var data = JSON.parse(document.getElementById('report-data').textContent);
      var drawn = { maps: 0, charts: 0 };

      function legend(entries, title) {
        var control = L.control({ position: 'bottomright' });
        control.onAdd = function () {
          var box = L.DomUtil.create('div', 'legend');
          var heading = document.createElement('strong');
          heading.textContent = title;
          box.appendChild(heading);
          entries.forEach(function (entry) {
            var line = document.createElement('div');
            var swatch = document.createElement('span');
            swatch.className = 'swatch';
            swatch.style.background = entry.colour;
            line.appendChild(swatch);
            line.appendChild(document.createTextNode(entry.label));
            box.appendChild(line);
          });
          return box;
        };
        return control;
      }

      function drawMap(element, map) {
        var leaflet = L.map(element, { zoomSnap: 0.25, scrollWheelZoom: false });
        leaflet.attributionControl.setPrefix('Leaflet');
        var layer = L.geoJSON(data.areas, {
          style: function (feature) {
            var i = feature.properties.index;
            return {
              fillColor: map.fills[i], fillOpacity: 0.9, color: '#4d4d4d', weight: 0.7,
              dashArray: map.states[i] === 'suppressed' ? '3 2' : null,
              className: 'area area-' + feature.id + ' state-' + map.states[i]
            };
          },
          onEachFeature: function (feature, shape) {
            shape.bindTooltip(map.tips[feature.properties.index], { sticky: true });
          }
        }).addTo(leaflet);
        leaflet.fitBounds(layer.getBounds(), { animate: false, paddingTopLeft: [8, 8], paddingBottomRight: [190, 8] });
        legend(map.legend, map.title).addTo(leaflet);
        element.setAttribute('data-shapes', String(element.querySelectorAll('path.area').length));
        drawn.maps += 1;
      }

      function drawFunnel(canvas, funnel) {
        var datasets = funnel.groups.map(function (group) {
          return { label: group.label, data: group.points, backgroundColor: group.colour, borderColor: '#333',
                   borderWidth: 0.5, pointRadius: 4, pointHoverRadius: 6 };
        });
        funnel.lines.forEach(function (line) {
          datasets.push({ label: line.label, data: line.points, showLine: true, pointRadius: 0, pointHoverRadius: 0,
                          borderColor: line.colour, borderDash: line.dash, borderWidth: 1.5, fill: false,
                          inLegend: line.legend });
        });
        var chart = new Chart(canvas, {
          type: 'scatter',
          data: { datasets: datasets },
          options: {
            animation: false, responsive: false,
            plugins: {
              legend: { position: 'bottom', labels: { boxWidth: 12, filter: function (item, chartData) {
                return chartData.datasets[item.datasetIndex].inLegend !== false;
              } } },
              tooltip: { callbacks: { label: function (item) {
                return item.raw.tip || (item.dataset.label + ': ' + item.raw.y.toFixed(1) + ' per 1,000');
              } } }
            },
            scales: {
              x: { title: { display: true, text: 'Children in the area' } },
              y: { title: { display: true, text: 'Rate per 1,000 children' }, beginAtZero: true }
            }
          }
        });
        var points = 0;
        funnel.groups.forEach(function (group, index) { points += chart.getDatasetMeta(index).data.length; });
        canvas.setAttribute('data-points', String(points));
        drawn.charts += 1;
      }

      function each(selector, body) {
        Array.prototype.forEach.call(document.querySelectorAll(selector), function (element) {
          try { body(element, data.measures[Number(element.getAttribute('data-index'))]); }
          catch (error) { window.reportError('draw', (error && error.stack) || String(error)); }
        });
      }
      each('div.map', function (element, measure) { drawMap(element, measure.maps[element.getAttribute('data-kind')]); });
      each('canvas.funnel', function (element, measure) { drawFunnel(element, measure.funnel); });
      document.documentElement.setAttribute('data-rendered', 'maps ' + drawn.maps + ', charts ' + drawn.charts);
      document.documentElement.setAttribute('data-draw-ms', String(Math.round(performance.now() - started)));
    })();
    """
}
