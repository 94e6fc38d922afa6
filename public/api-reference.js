// Renders the API's OpenAPI document with Swagger UI (public/vendor/swagger-ui-bundle.js).
(() => {
  const target = document.getElementById('api-reference');
  if (!target || typeof SwaggerUIBundle !== 'function') return;
  SwaggerUIBundle({
    url: target.dataset.document,
    domNode: target,
    deepLinking: true,
    docExpansion: 'none',
    defaultModelsExpandDepth: -1,
    // Swagger UI's server list has no label of its own.
    onComplete: () => document.getElementById('servers')?.setAttribute('aria-label', 'Server'),
  });
})();
