// Starts Swagger UI on the API docs page (a static file: the site's Content Security Policy allows no inline script).
// The schema URL and the CSRF token (for the browser's own session) come from the page's data attributes.
"use strict";
(function () {
  const el = document.getElementById("swagger-ui");
  const csrf = el.dataset.csrf;
  window.ui = SwaggerUIBundle({
    url: el.dataset.schemaUrl,
    dom_id: "#swagger-ui",
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    requestInterceptor: function (request) {
      if (request.method && request.method !== "GET" && csrf) {
        request.headers["X-CSRFToken"] = csrf;
      }
      return request;
    },
  });
})();
