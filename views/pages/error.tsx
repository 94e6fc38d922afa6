import { Layout } from '../layout.js';

export function ErrorPage(props: { status: number; message: string }) {
  return (
    <Layout title={`Error ${props.status}`}>
      <h1>Error {props.status}</h1>
      <p class="error">{props.message}</p>
      <p><a href="/">Back to the dashboard</a></p>
    </Layout>
  );
}
