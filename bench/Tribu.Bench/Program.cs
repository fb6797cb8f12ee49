using BenchmarkDotNet.Running;
using Tribu.Bench.Seeding;

// Micro-benchmarks (BenchmarkDotNet): dotnet run -c Release --project bench/Tribu.Bench -- --filter '*'
// A large community for the load scenarios: dotnet run -c Release --project bench/Tribu.Bench -- seed [options] (see Seeding/CommunitySeeder.cs).
// Whole-app measurements (start-up, memory, wrk) are scripts beside this project: see bench/README.md.
if (args.Length > 0 && args[0] == "seed")
{
    return await CommunitySeeder.RunAsync(args[1..]);
}
// Where a running Tribu process spends its CPU under load: dotnet Tribu.Bench.dll profile --pid N --seconds 10
if (args.Length > 0 && args[0] == "profile")
{
    return await Tribu.Bench.Profiling.CpuProfiler.RunAsync(args[1..]);
}
// Timings and plans of single statements with the app's drivers: dotnet Tribu.Bench.dll sql --sqlite FILE "SQL" …
if (args.Length > 0 && args[0] == "sql")
{
    return await Tribu.Bench.Profiling.SqlTimer.RunAsync(args[1..]);
}
// End-to-end listening ingestion through the signed webhook: dotnet Tribu.Bench.dll ingest [--provider postgres --connection CS] [--mentions N]
if (args.Length > 0 && args[0] == "ingest")
{
    return await Tribu.Bench.Ingestion.IngestionBench.RunAsync(args[1..]);
}
BenchmarkSwitcher.FromAssembly(typeof(Tribu.Bench.MarkdownBenchmarks).Assembly).Run(args);
return 0;
