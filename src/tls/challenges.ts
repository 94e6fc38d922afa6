// HTTP-01 challenge answers: the tokens of orders under way and the listener that serves them
// (Traefik routes every host's /.well-known/acme-challenge/ here). It serves nothing else.
import { type Server, createServer } from 'node:http';

const PATH = /^\/\.well-known\/acme-challenge\/([A-Za-z0-9_-]{1,256})$/;
export const NO_SUCH_CHALLENGE = 'no such ACME challenge\n';

export class ChallengeTokens {
  private readonly answers = new Map<string, string>();
  set(token: string, keyAuthorization: string): void {
    this.answers.set(token, keyAuthorization);
  }
  delete(token: string): void {
    this.answers.delete(token);
  }
  /** The key authorization for a request path, if it asks for a token under way. */
  answer(path: string): string | undefined {
    const m = PATH.exec(path);
    return m ? this.answers.get(m[1]) : undefined;
  }
}

export async function startChallengeServer(tokens: ChallengeTokens, port: number, host: string): Promise<Server> {
  const server = createServer((req, res) => {
    const answer = req.method === 'GET' || req.method === 'HEAD' ? tokens.answer((req.url ?? '').split('?')[0]) : undefined;
    res.writeHead(answer ? 200 : 404, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(answer ?? NO_SUCH_CHALLENGE);
  });
  server.requestTimeout = 10_000;
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, () => resolve()));
  return server;
}
