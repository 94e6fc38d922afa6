// The API's reference: its OpenAPI document (/api/v1/openapi.json) rendered by Swagger UI, served
// from Spur itself (public/vendor), started by public/api-reference.js (the CSP allows no inline script).
import { Layout, type LayoutProps } from '../layout.js';

export function ApiReferencePage(props: { frame: Omit<LayoutProps, 'title' | 'children'> }) {
  return (
    <Layout title="API reference" section="account" {...props.frame}>
      <link rel="stylesheet" href="/public/vendor/swagger-ui.css" />
      <link rel="stylesheet" href="/public/api-reference.css" />
      <h1>API reference</h1>
      <p class="muted">
        Every route of the JSON API under <code>/api/v1</code>, as <a href="/api/v1/openapi.json">its OpenAPI 3.1 document</a> says, the same schemas that check each request. Calls need an API token (<a href="/account#api-tokens">Account</a>): <code>Authorization: Bearer spur_…</code>; “Authorize” below takes one for “Try it out”.
      </p>
      <div id="api-reference" class="api-reference" data-document="/api/v1/openapi.json"></div>
      <script src="/public/vendor/swagger-ui-bundle.js" defer></script>
      <script src="/public/api-reference.js" defer></script>
    </Layout>
  );
}
