// A Go module: a static binary (CGO off) built with the go.mod's Go version, run alone in a
// minimal image as a non-root user. The program is the module root, or the only one under cmd/.
import { type BaseImageRole, type Stack, imageFor } from './stack.js';

const DEFAULT_GO = '1.23';

/** Where the binary is built. */
export const goImage: BaseImageRole = { key: 'go', label: 'Go (build)', envVar: 'SPUR_IMAGE_GO', flag: 'image-go', defaultImage: 'golang:{version}' };
/** Where the binary runs: a minimal image with CA certificates. */
export const goRuntimeImage: BaseImageRole = { key: 'goRuntime', label: 'Go (run)', envVar: 'SPUR_IMAGE_GO_RUNTIME', flag: 'image-go-runtime', defaultImage: 'gcr.io/distroless/static-debian12' };

export const go: Stack = {
  name: 'go',
  looksFor: 'go.mod',
  reads: ['go.mod'],
  images: [goImage, goRuntimeImage],
  detect(repo, { images }) {
    const mod = repo.files.get('go.mod');
    if (mod === undefined) return null;
    const version = /^go\s+(\d+\.\d+)/m.exec(mod)?.[1];
    const reasons = ['found go.mod', ...(version ? [`go ${version}`] : [])];
    const hasRootMain = [...repo.entries].some((e) => e.endsWith('.go'));
    // Directory names reach a RUN line: only plain ones are taken.
    const programs = repo.cmdDirs.filter((d) => /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(d));
    const program = hasRootMain || programs.length !== 1 ? '.' : `./cmd/${programs[0]}`;
    if (program !== '.') reasons.push(`program ${program}`);
    const stages = [
      `FROM ${imageFor(images[goImage.key], version ?? DEFAULT_GO)} AS build`,
      'WORKDIR /src',
      `COPY go.mod${repo.entries.has('go.sum') ? ' go.sum' : ''} ./`,
      'RUN go mod download',
      'COPY . .',
      `RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/app ${program}`,
      '',
      `FROM ${images[goRuntimeImage.key]}`,
      'COPY --from=build /out/app /app',
      'USER 65532:65532',
    ].join('\n');
    return { stack: 'go', reasons, stages, start: ['/app'], ignore: ['.git'] };
  },
};
