import { describe, expect, it } from 'vitest';
import { dockerfileImageReferences } from './dockerfile-refs.js';

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
    expect(refs('ARG A=sp\nFROM alpine\nARG A\nCOPY --from=${A}ur/x/y /a /b\n')).toEqual(['alpine', 'spur/x/y']);
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
