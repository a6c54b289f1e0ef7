// `npm run bench [-- options]`: the benchmarks, one command. Each mode is a
// file of its own (its fakes, scenarios and report) over scripts/bench-core.mjs
// (the dispatch, the runner side, timed runs, statistics):
//
//   npm run bench [-- --runs 60 --compare DIR ...]     # start-up per scenario on loopback (scripts/bench-startup.mjs)
//   npm run bench -- --latency [--rtt 40 ...]           # over an emulated WAN link (scripts/bench-latency.mjs)
//   npm run bench -- --outage [--only sts --seconds 20] # outages of each endpoint at the defaults (scripts/bench-outage.mjs)
//   npm run bench -- --storm [--jobs 40 --rate 4]       # quota storms (scripts/bench-storm.mjs)
//
// Every mode builds dist/ first, unless given --no-build or --dist DIR (measure that build).
// docs/performance.md and docs/reliability.md hold the figures.
import { runBench } from './bench-core.mjs';

await runBench(process.argv.slice(2));
