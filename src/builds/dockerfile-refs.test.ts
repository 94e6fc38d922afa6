import { describe, expect, it } from 'vitest';
import { dockerfileImageReferences, onbuildImageReferences } from './dockerfile-refs.js';

const refs = (text: string) => dockerfileImageReferences(text).map((r) => r.ref);

describe('dockerfileImageReferences', () => {
  it('lists FROM bases and leaves out earlier stages', () => {
    expect(refs('FROM node:22 AS build\nRUN x\nFROM build\nFROM --platform=linux/amd64 nginx:1.27 as web\nCOPY --from=build /a /b\nCOPY --from=0 /a /b\n')).toEqual(['node:22', 'nginx:1.27']);
  });
  it('finds images named by COPY/ADD --from and RUN --mount from=', () => {
    expect(refs('FROM alpine\nCOPY --chown=1:1 --from=spur/a/b:1 /x /y\nADD --from=busybox /a /b\nRUN --mount=type=bind,from=spur/c/d:2,target=/m cat /m/x\n')).toEqual(['alpine', 'spur/a/b:1', 'busybox', 'spur/c/d:2']);
  });
  it('substitutes ARG defaults the way the builder does', () => {
    expect(refs('ARG NS=spur\nARG REPO="$NS/a/b"\nFROM ${REPO}:1\n')).toEqual(['spur/a/b:1']);
    expect(refs('ARG V=22\nFROM node:${V}-slim\nFROM ${UNSET:-spur/x/y}\nFROM x${NONE:+y}z\n')).toEqual(['node:22-slim', 'spur/x/y', 'xz']);
    expect(() => refs('ARG A=sp\nFROM alpine\nARG A\nCOPY --from=${A}ur/x/y /a /b\n')).toThrow(/line 4/);
  });
  it('reads quotes and escapes as the builder does', () => {
    expect(refs('FROM spur"/"x/y\nFROM sp\\ur/a/b\nFROM \'spur/c/d\'\n')).toEqual(['spur/x/y', 'spur/a/b', 'spur/c/d']);
  });
  it('joins continuation lines, skips comments, honours the escape directive and the syntax directive', () => {
    expect(refs('FROM \\\n  spur/a/b\n# FROM hidden\n')).toEqual(['spur/a/b']);
    expect(refs('# escape=`\nFROM `\n spur/a/b\n')).toEqual(['spur/a/b']);
    expect(refs('# syntax=spur/x/y:1\nFROM alpine\n')).toEqual(['spur/x/y:1', 'alpine']);
  });
  it('checks ONBUILD instructions too', () => {
    expect(refs('FROM alpine\nONBUILD COPY --from=spur/a/b /x /y\n')).toEqual(['alpine', 'spur/a/b']);
  });
  it('refuses variable forms it does not model', () => {
    expect(() => refs('ARG A=xspur/a/b\nFROM ${A#x}\n')).toThrow(/line 2/);
    expect(() => refs('ARG A=spur\nFROM ${A/s/S}\n')).toThrow(/only \$NAME/);
  });
});

describe('dockerfileImageReferences with the build arguments the build gets', () => {
  const withArgs = (text: string, buildArgs: Record<string, string>) => dockerfileImageReferences(text, buildArgs).map((r) => r.ref);
  it('gives a global ARG the build argument of its name, over its default', () => {
    expect(withArgs('ARG B\nFROM $B\n', { B: 'spur/other/web:1-abc' })).toEqual(['spur/other/web:1-abc']);
    expect(withArgs('ARG B=node:22\nFROM ${B}\n', { B: '0123abcd' })).toEqual(['0123abcd']);
    expect(withArgs('ARG B=node:22\nFROM ${B:-node:20}\n', { B: 'spur/x/y' })).toEqual(['spur/x/y']);
    expect(withArgs('ARG B\nFROM node${B:+:22}\n', { B: 'y' })).toEqual(['node:22']);
    expect(withArgs('ARG NS=docker.io\nARG REPO=$NS/library/node\nFROM $REPO:22\n', { NS: 'spur' })).toEqual(['spur/library/node:22']);
  });
  it('leaves an ARG without default and without build argument empty', () => {
    expect(withArgs('ARG B\nFROM $B\n', {})).toEqual(['']);
  });
  it('reads FROM with the ARGs declared before the first FROM only', () => {
    expect(withArgs('ARG B=node:22\nFROM $B\nARG B=spur/x/y\nFROM $B\n', {})).toEqual(['node:22', 'node:22']);
  });
  it('refuses a FROM variable that is not declared before the first FROM but is given as a build argument', () => {
    expect(() => withArgs('FROM node:22\nARG B\nFROM $B\n', { B: 'spur/x/y' })).toThrow(/line 3: \$B is not declared by an ARG before the first FROM/);
    expect(withArgs('FROM node:${V:-22}\n', {})).toEqual(['node:22']);
  });
  it('refuses any variable in COPY --from, ADD --from and RUN --mount from=', () => {
    expect(() => withArgs('FROM node:22\nARG S\nCOPY --from=$S / /loot\n', { S: 'spur/x/y' })).toThrow(/line 3: .*--from.* FROM \$S AS/);
    expect(() => withArgs('FROM node:22\nENV S=abc\nADD --from=${S} / /loot\n', {})).toThrow(/line 3/);
    expect(() => withArgs('FROM node:22\nRUN --mount=type=bind,from=$S,target=/m true\n', {})).toThrow(/line 2/);
    expect(() => withArgs('FROM node:22\nRUN --mount="type=bind,from=$S,target=/m" true\n', {})).toThrow(/line 2/);
  });
  it('takes a stage index only for an earlier stage; a larger number is an image', () => {
    expect(withArgs('FROM node:22\nFROM node:20\nCOPY --from=0 /a /b\nCOPY --from=7 /a /b\n', {})).toEqual(['node:22', 'node:20', '7']);
  });
  it('names the stage a FROM builds on when a variable names an earlier stage', () => {
    expect(withArgs('ARG S=build\nFROM node:22 AS build\nFROM $S\n', {})).toEqual(['node:22']);
  });
});

describe('onbuildImageReferences', () => {
  it('lists the images a base image\'s ONBUILD triggers name, at the FROM line that runs them', () => {
    expect(onbuildImageReferences(['RUN true', 'COPY --from=spur/a/b:1 / /x', 'RUN --mount=type=bind,from=busybox,target=/m true'], 4)).toEqual([
      { line: 4, instruction: 'ONBUILD COPY', ref: 'spur/a/b:1', written: 'spur/a/b:1' },
      { line: 4, instruction: 'ONBUILD RUN', ref: 'busybox', written: 'busybox' },
    ]);
  });
  it('refuses a variable in a trigger\'s --from', () => {
    expect(() => onbuildImageReferences(['COPY --from=$S / /x'], 2)).toThrow(/line 2/);
  });
});

// Each case below was a way to hide a reference from the check while Docker's parser still reads it
// (or to make the check see a stage that Docker does not have). Spur reads as Docker does or refuses.
describe('dockerfileImageReferences reads instruction boundaries as Docker does', () => {
  const read = (text: string) => () => dockerfileImageReferences(text).map((r) => r.ref);
  it('refuses quotes and escape characters in the flags of COPY/ADD/RUN/FROM, and in ONBUILD triggers', () => {
    expect(read('FROM alpine\nCOPY --fr"om"=3f2a / /x\n')).toThrow(/Dockerfile: line 2: .*quote/);
    expect(read('FROM alpine\nCOPY --f\\rom=3f2a / /x\n')).toThrow(/Dockerfile: line 2: .*escape/);
    expect(read('FROM alpine\nCOPY --chown="0 0" --from=3f2a / /x\n')).toThrow(/Dockerfile: line 2: .*quote/);
    expect(read('FROM alpine\nONBUILD COPY --fr"om"=3f2a / /x\n')).toThrow(/Dockerfile: line 2: .*quote/);
    expect(() => onbuildImageReferences(['COPY --fr"om"=3f2a / /x'], 3)).toThrow(/Dockerfile: line 3: .*quote/);
  });
  it('refuses --from, --platform and --mount written without =', () => {
    expect(read('FROM alpine\nCOPY --from 3f2a / /x\n')).toThrow(/Dockerfile: line 2: --from needs =/);
    expect(read('FROM --platform linux/amd64 3f2a\n')).toThrow(/Dockerfile: line 1: --platform needs =/);
    expect(read('FROM alpine\nRUN --mount type=bind,from=3f2a true\n')).toThrow(/Dockerfile: line 2: --mount needs =/);
  });
  it('refuses a character other than space or tab after a trailing escape', () => {
    for (const ws of ['\u00a0', '\v', '\f', '\ufeff', ' \u00a0 '])
      expect(read(`FROM alpine\nRUN true \\${ws}\nCOPY --from=3f2a / /x\n`)).toThrow(/Dockerfile: line 2: .*after the escape character/);
    expect(read('FROM alpine\nRUN true \\ \t\r\nCOPY --from=3f2a / /x\n')()).toEqual(['alpine']);
  });
  it('keeps joining across empty and comment lines inside a continuation, as Docker does', () => {
    expect(read('FROM alpine\nRUN echo \\\n\nFROM alpine AS 3f2a\nCOPY --from=3f2a / /x\n')()).toEqual(['alpine', '3f2a']);
    expect(read('FROM alpine\nRUN echo \\\n# note\nFROM alpine AS 3f2a\nCOPY --from=3f2a / /x\n')()).toEqual(['alpine', '3f2a']);
    expect(read('FROM alpine\nRUN echo \\\n  \t\nFROM alpine AS 3f2a\nCOPY --from=3f2a / /x\n')()).toEqual(['alpine', '3f2a']);
  });
  it('ends parser directives at an unknown directive, and refuses an escape directive Docker would not read', () => {
    expect(read('# x=y\n# escape=`\nFROM alpine\nRUN echo `\nCOPY --from=3f2a / /x\n')).toThrow(/Dockerfile: line 2: .*escape directive/);
    expect(read('# syntax=docker/dockerfile:1\n# escape=`\nFROM alpine\n')).toThrow(/Dockerfile: line 2: .*escape directive/);
    expect(read('# escape=`\n# syntax=docker/dockerfile:1\nFROM alpine\nRUN echo `\n  hi\n')()).toEqual(['docker/dockerfile:1', 'alpine']);
  });
  it('refuses heredocs in RUN, COPY and ADD', () => {
    expect(read('FROM alpine\nRUN <<EOF\nFROM alpine AS 3f2a\nEOF\nCOPY --from=3f2a / /x\n')).toThrow(/Dockerfile: line 2: .*heredoc/);
    expect(read('FROM alpine\nCOPY <<-"EOF" /x\nFROM 3f2a\nEOF\n')).toThrow(/Dockerfile: line 2: .*heredoc/);
    expect(read('FROM alpine\nRUN cat 0<<EOF\nx\nEOF\n')).toThrow(/Dockerfile: line 2: .*heredoc/);
    expect(read('FROM alpine\nONBUILD ADD <<EOF /x\n')).toThrow(/Dockerfile: line 2: .*heredoc/);
    expect(read('FROM alpine\nRUN echo $((1 << 2)) && cat <<< hi\n')).not.toThrow();
  });
  it('refuses characters other than printable ASCII in the flags, where Docker reads some bytes as spaces', () => {
    expect(read('FROM alpine\nCOPY --link\u0085--from=3f2a / /x\n')).toThrow(/Dockerfile: line 2: .*printable ASCII/);
    expect(read('FROM alpine\nCOPY --chown=\u00e0--from=3f2a / /x\n')).toThrow(/Dockerfile: line 2: .*printable ASCII/);
    expect(read('FROM alpine\nCOPY\u00a0--from=3f2a / /x\n')).toThrow(/Dockerfile: line 2: the instruction name/);
  });
  it('reads the syntax directive up to its first space, and checks one Docker does not read as a directive', () => {
    expect(read('# syntax=3f2a ignored\nFROM alpine\n')()).toEqual(['3f2a', 'alpine']);
    expect(read('# hello\n# syntax=3f2a\nFROM alpine\n')()).toEqual(['3f2a', 'alpine']);
  });
  it('ends a line with an escaped escape character, as Docker does', () => {
    expect(read('FROM alpine\nRUN echo \\\\\nCOPY --from=3f2a / /x\n')()).toEqual(['alpine', '3f2a']);
  });
  it('still reads legitimate Dockerfiles', () => {
    expect(read('\ufeff# syntax=docker/dockerfile:1.7\nFROM node:22 AS build\nWORKDIR /app\nCOPY --link --chown=1000:1000 package*.json ./\nRUN --mount=type=cache,target=/root/.npm \\\n    npm ci\nFROM nginx:1.27\nCOPY --from=build /app/dist /usr/share/nginx/html\n')()).toEqual(['docker/dockerfile:1.7', 'node:22', 'nginx:1.27']);
    expect(read('FROM alpine\r\nRUN echo a \\\r\n  b\r\nCOPY --chown=1:1 /x /y\r\n')()).toEqual(['alpine']);
    expect(read('FROM alpine\nCOPY -- --from=x /y\n')).toThrow(/Dockerfile: line 2: a -- word/);
  });
});
