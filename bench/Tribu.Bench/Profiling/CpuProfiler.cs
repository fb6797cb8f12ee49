using System.Diagnostics.Tracing;
using System.Globalization;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers;

namespace Tribu.Bench.Profiling;

/// <summary>
/// <c>profile --pid N [--seconds 10] [--top 30] [--out file.nettrace]</c>: samples a running Tribu process through
/// EventPipe (the runtime's sample profiler, what dotnet-trace uses) while a load runs against it, then prints where
/// the busy samples were: by area (SQLite, EF Core, Razor rendering…) and by method, inclusive and exclusive.
/// Threads parked in a wait are left out, so the shares are of CPU work, not of wall-clock time.
/// </summary>
internal static class CpuProfiler
{
    private static readonly string[] IdleFrames =
    [
        "LowLevelLifoSemaphore.WaitForSignal", "LowLevelLifoSemaphore.WaitNative", "WaitHandle.WaitOneNoCheck", "WaitHandle.WaitMultiple", "Monitor.Wait",
        "Thread.Sleep", "Interop+Sys.WaitForSocketEvents", "SocketAsyncEngine.EventLoop", "Thread.SleepInternal", "ManualResetEventSlim.Wait",
        "SemaphoreSlim.Wait", "Interop+Sys.Read(", "EventPipe", "PortableThreadPool+GateThread", "LowLevelMonitor.Wait", "Interop+Sys.Poll",
    ];

    // Areas, tested from the top of the stack down: a sample counts for the first area one of its frames belongs to.
    private static readonly (string Area, string[] Prefixes)[] Areas =
    [
        ("SQLite (native + Microsoft.Data.Sqlite)", ["SQLitePCL", "Microsoft.Data.Sqlite"]),
        ("Npgsql", ["Npgsql"]),
        ("EF Core (query pipeline, materialisation)", ["Microsoft.EntityFrameworkCore"]),
        ("Antiforgery / data protection", ["Microsoft.AspNetCore.Antiforgery", "Microsoft.AspNetCore.DataProtection"]),
        ("Authentication / Identity", ["Microsoft.AspNetCore.Authentication", "Microsoft.AspNetCore.Identity", "Microsoft.Extensions.Identity"]),
        ("Localization", ["Microsoft.Extensions.Localization", "System.Resources"]),
        ("HTML encoding", ["System.Text.Encodings.Web"]),
        ("Razor components rendering", ["Microsoft.AspNetCore.Components"]),
        ("Tribu code", ["Tribu."]),
        ("Kestrel / HTTP", ["Microsoft.AspNetCore.Server", "System.Net", "System.IO.Pipelines"]),
        ("GC / runtime", ["GC", "System.GC", "System.Runtime"]),
    ];

    public static async Task<int> RunAsync(string[] args)
    {
        int? pid = null;
        var seconds = 10;
        var top = 30;
        var output = Path.Combine(Path.GetTempPath(), "tribu-profile.nettrace");
        var callersOf = new List<string>();
        string? input = null;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--pid": pid = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--seconds": seconds = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--top": top = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--out": output = Next(); break;
                case "--callers": callersOf.Add(Next()); break;
                case "--in": input = Next(); break;
                default: throw new ArgumentException($"Unknown argument '{args[i]}'.");
            }
        }
        if (pid is null && input is null) throw new ArgumentException("--pid (or --in, a trace recorded earlier) is required.");
        if (input is not null)
        {
            output = input;
        }
        else
        {
            await RecordAsync(pid!.Value, seconds, output);
        }
        Report(output, seconds, top, callersOf);
        return 0;
    }

    private static async Task RecordAsync(int pid, int seconds, string output)
    {

        var providers = new List<EventPipeProvider>
        {
            new("Microsoft-DotNETCore-SampleProfiler", EventLevel.Informational),
            new("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, (long)ClrTraceEventParser.Keywords.Default),
        };
        var client = new DiagnosticsClient(pid);
        using (var session = client.StartEventPipeSession(providers, requestRundown: true, circularBufferMB: 512))
        {
            var copy = Task.Run(async () =>
            {
                await using var file = File.Create(output);
                await session.EventStream.CopyToAsync(file);
            });
            await Task.Delay(TimeSpan.FromSeconds(seconds));
            await session.StopAsync(CancellationToken.None);
            await copy;
        }
    }

    private static void Report(string output, int seconds, int top, List<string> callersOf)
    {
        var etlx = TraceLog.CreateFromEventPipeDataFile(output);
        using var log = new TraceLog(etlx);
        var exclusive = new Dictionary<string, int>(StringComparer.Ordinal);
        var inclusive = new Dictionary<string, int>(StringComparer.Ordinal);
        var areas = new Dictionary<string, int>(StringComparer.Ordinal);
        var callers = callersOf.ToDictionary(c => c, _ => new Dictionary<string, int>(StringComparer.Ordinal));
        int busy = 0, idle = 0;
        foreach (var sample in log.Events)
        {
            if (sample.ProviderName != "Microsoft-DotNETCore-SampleProfiler") continue;
            var frames = new List<string>();
            for (var frame = sample.CallStack(); frame is not null; frame = frame.Caller)
            {
                var name = frame.CodeAddress.FullMethodName;
                frames.Add(string.IsNullOrEmpty(name) ? $"[{frame.CodeAddress.ModuleName}]" : name);
            }
            if (frames.Count == 0) continue;
            if (frames.Take(12).Any(f => IdleFrames.Any(idleFrame => f.Contains(idleFrame, StringComparison.Ordinal))))
            {
                idle++;
                continue;
            }
            busy++;
            var leaf = frames.FirstOrDefault(f => !f.StartsWith('[')) ?? frames[0];
            exclusive[leaf] = exclusive.GetValueOrDefault(leaf) + 1;
            foreach (var method in frames.Distinct(StringComparer.Ordinal)) inclusive[method] = inclusive.GetValueOrDefault(method) + 1;
            var area = frames.Select(f => Areas.FirstOrDefault(a => a.Prefixes.Any(p => f.StartsWith(p, StringComparison.Ordinal))).Area).FirstOrDefault(a => a is not null) ?? "other";
            areas[area] = areas.GetValueOrDefault(area) + 1;
            foreach (var (needle, paths) in callers)
            {
                var at = frames.FindIndex(f => f.Contains(needle, StringComparison.Ordinal));
                if (at < 0) continue;
                // The callers that matter: Tribu's and the framework's named frames, not the async plumbing.
                var path = string.Join(" < ", frames.Skip(at + 1).Where(f => !f.StartsWith("System.Runtime.CompilerServices", StringComparison.Ordinal)
                    && !f.StartsWith("System.Threading.ExecutionContext", StringComparison.Ordinal) && !f.StartsWith('[')).Take(6).Select(Short));
                paths[path] = paths.GetValueOrDefault(path) + 1;
            }
        }

        Console.WriteLine($"{busy} busy samples ({idle} idle left out) over {seconds} s; trace: {output}");
        Console.WriteLine("\nby area (first matching frame from the top of the stack):");
        foreach (var (area, count) in areas.OrderByDescending(a => a.Value)) Console.WriteLine($"  {100.0 * count / busy,5:F1} %  {area}");
        Console.WriteLine($"\ninclusive (top {top}):");
        foreach (var (method, count) in inclusive.OrderByDescending(a => a.Value).Take(top)) Console.WriteLine($"  {100.0 * count / busy,5:F1} %  {Shorten(method)}");
        Console.WriteLine($"\nexclusive (top {top}):");
        foreach (var (method, count) in exclusive.OrderByDescending(a => a.Value).Take(top)) Console.WriteLine($"  {100.0 * count / busy,5:F1} %  {Shorten(method)}");
        foreach (var (needle, paths) in callers)
        {
            Console.WriteLine($"\ncallers of {needle} ({paths.Values.Sum()} samples):");
            foreach (var (path, count) in paths.OrderByDescending(p => p.Value).Take(12)) Console.WriteLine($"  {100.0 * count / busy,5:F1} %  {path}");
        }
    }

    // "Namespace.Type+<Method>d__5.MoveNext()" → "Type.Method"
    private static string Short(string frame)
    {
        var name = frame.Split('(')[0];
        var parts = name.Split('.');
        var tail = string.Join('.', parts.Skip(Math.Max(0, parts.Length - 2)));
        var open = tail.IndexOf("+<", StringComparison.Ordinal);
        if (open >= 0)
        {
            var close = tail.IndexOf('>', open);
            tail = tail[..open] + "." + tail[(open + 2)..close];
        }
        return tail;
    }

    private static string Shorten(string method) => method.Length <= 160 ? method : method[..157] + "…";
}
