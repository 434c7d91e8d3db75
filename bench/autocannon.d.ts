// The part of autocannon (a devDependency without type declarations) the serve benchmark uses.
declare module 'autocannon' {
  namespace autocannon {
    interface Histogram {
      readonly average: number;
      readonly p50: number;
      readonly p99: number;
    }
    interface Result {
      readonly requests: Histogram;
      readonly latency: Histogram;
      readonly errors: number;
      readonly timeouts: number;
      readonly non2xx: number;
    }
    interface Options {
      readonly url: string;
      readonly connections?: number;
      readonly duration?: number;
      readonly pipelining?: number;
    }
  }
  function autocannon(options: autocannon.Options): Promise<autocannon.Result>;
  export default autocannon;
}
