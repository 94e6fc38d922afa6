// Renders the API's OpenAPI document with Swagger UI (public/vendor/swagger-ui-bundle.js).
(() => {
  const target = document.getElementById('api-reference');
  if (!target || typeof SwaggerUIBundle !== 'function') return;
  SwaggerUIBundle({ url: target.dataset.document, domNode: target, deepLinking: true, docExpansion: 'none', defaultModelsExpandDepth: -1, tryItOutEnabled: false });
})();
