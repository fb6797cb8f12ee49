using BenchmarkDotNet.Running;

// Micro-benchmarks (BenchmarkDotNet): dotnet run -c Release --project bench/Tribu.Bench -- --filter '*'
// Whole-app measurements (start-up, memory, wrk) are scripts beside this project: see bench/README.md.
BenchmarkSwitcher.FromAssembly(typeof(Tribu.Bench.MarkdownBenchmarks).Assembly).Run(args);
