// The part of autocannon's API the benchmarks use (it ships no types).
declare module 'autocannon' {
  interface Result {
    latency: { p50: number; p99: number };
    requests: { average: number };
    errors: number;
    non2xx: number;
  }
  export default function autocannon(opts: { url: string; headers?: Record<string, string>; connections?: number; duration?: number; amount?: number }): Promise<Result>;
}
