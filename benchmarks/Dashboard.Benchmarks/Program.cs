using Dashboard.Benchmarks;

// Every benchmark of the product, in the order `./bench.sh` runs them.
IBenchmark[] benchmarks =
[
    new SimulatorBenchmark(),
    new IngestBenchmark(),
    new ColdSyncBenchmark(),
    new LatencyBenchmark(),
    new UiBenchmark(),
    new AuditBenchmark(),
];

return await Harness.RunAsync(benchmarks, args);
