import { describe, expect, it } from 'vitest';
import { BuildStepImages } from './build-steps.js';

const read = (text: string) => {
  const steps = new BuildStepImages();
  for (const line of text.split('\n')) steps.read(line);
  return steps;
};

describe('BuildStepImages', () => {
  it('tells the images a build made from the cached ones it reused, leaving the FROM images out', () => {
    const steps = read(`Step 1/6 : FROM node:22-slim AS build
 ---> 3c5e1c2f7a1b
Step 2/6 : COPY package.json ./
 ---> Using cache
 ---> 9d8c7b6a5f4e
Step 3/6 : RUN npm ci
 ---> Running in abcdef123456
added 3 packages
Removing intermediate container abcdef123456
 ---> 5f6e7d8c9b0a
Step 4/6 : FROM node:22-slim
 ---> 3c5e1c2f7a1b
Step 5/6 : COPY --from=build /app /app
 ---> 0123456789ab
Step 6/6 : LABEL spur.managed=true
 ---> Running in 111111111111
 ---> fedcba987654
Successfully built fedcba987654
Successfully tagged spur/shop-web:12-aa`);
    expect(steps.reused).toEqual(['9d8c7b6a5f4e']);
    expect(steps.created).toEqual(['5f6e7d8c9b0a', '0123456789ab', 'fedcba987654']);
  });

  it('counts the last id line of a step, and nothing of a step that failed', () => {
    const steps = read(`Step 1/3 : FROM busybox
 ---> 111111111111
Step 2/3 : RUN echo " ---> 222222222222"
 ---> Running in 999999999999
 ---> 222222222222
Removing intermediate container 999999999999
 ---> 333333333333
Step 3/3 : RUN echo " ---> 444444444444"; exit 1
 ---> Running in 888888888888
 ---> 444444444444`);
    expect(steps.created).toEqual(['333333333333']);
    expect(steps.reused).toEqual([]);
    expect([...steps.mentioned]).toEqual(['111111111111', '222222222222', '333333333333', '444444444444']);
  });
});
