using System.Diagnostics;
using System.Globalization;

namespace ScimServer.Benchmarks;

/// <summary>
/// Runs an operation after a warm-up and reports latency percentiles and SQL statements per call: one caller after
/// another (<see cref="RunAsync"/>), or many at once for a fixed time (<see cref="ConcurrentAsync"/>), as an IdP's
/// sync and a busy server see it.
/// </summary>
internal static class Measurement
{
    private static readonly StatementCounter Statements = new();

    /// <summary>
    /// Seconds each operation runs before it is measured (SCIM_BENCH_WARMUP, default 2): enough for the JIT to move
    /// the hot path to optimized code, so the figures are a running server's, not a freshly started one's.
    /// </summary>
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(double.Parse(
        Environment.GetEnvironmentVariable("SCIM_BENCH_WARMUP") ?? "2", CultureInfo.InvariantCulture));

    /// <summary>One operation's figures; printed as a row of the table.</summary>
    public sealed record Figures(string Line, double Mean, double PerSecond = 0)
    {
        public override string ToString() => Line;
    }

    public static async Task<Figures> RunAsync(string name, int iterations, Func<int, Task> operation)
    {
        await WarmUpAsync(1, operation);
        var samples = new double[iterations];
        Statements.Reset();
        for (var i = 0; i < iterations; i++)
        {
            var watch = Stopwatch.StartNew();
            await operation(i);
            samples[i] = watch.Elapsed.TotalMilliseconds;
        }
        var perCall = Statements.Count / (double)iterations;
        await TraceAsync(name, operation);
        Array.Sort(samples);
        return new Figures(string.Format(CultureInfo.InvariantCulture, "{0,-58} {1,8:F2} {2,8:F2} {3,8:F2} {4,7} {5,6:F1}",
            name, samples[iterations / 2], samples[(int)(iterations * 0.95)], samples.Average(), iterations, perCall), samples.Average());
    }

    public const string Header = "operation                                                   p50 ms   p95 ms  mean ms       n  stmts";

    /// <summary>
    /// <paramref name="workers"/> callers at once for <paramref name="seconds"/>: requests per second, latency, the
    /// statements per request, this process's CPU time per request (the server's, or the ceiling's client side) and
    /// PostgreSQL's.
    /// </summary>
    public static async Task<Figures> ConcurrentAsync(string name, int workers, double seconds, Func<int, Task> operation)
    {
        await WarmUpAsync(workers, operation);
        var next = -1;
        var samples = new List<double>[workers];
        Statements.Reset();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var databaseCpu = DatabaseCpu.Total();
        var clock = Stopwatch.StartNew();
        var end = TimeSpan.FromSeconds(seconds);
        await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            var mine = samples[w] = [];
            while (clock.Elapsed < end)
            {
                var watch = Stopwatch.StartNew();
                await operation(Interlocked.Increment(ref next));
                mine.Add(watch.Elapsed.TotalMilliseconds);
            }
        })));
        var elapsed = clock.Elapsed.TotalSeconds;
        var cpuPerCall = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds;
        var databaseCpuPerCall = (DatabaseCpu.Total() - databaseCpu).TotalMicroseconds;
        var all = samples.SelectMany(s => s).Order().ToArray();
        var perSecond = all.Length / elapsed;
        return new Figures(string.Format(CultureInfo.InvariantCulture, "{0,-44} {1,9:F0} {2,8:F2} {3,8:F2} {4,6:F1} {5,9:F0} {6,9:F0}",
            name, perSecond, all[all.Length / 2], all[(int)(all.Length * 0.95)], Statements.Count / (double)all.Length, cpuPerCall / all.Length,
            databaseCpuPerCall / all.Length),
            all.Average(), perSecond);
    }

    public const string ConcurrentHeader = "operation                                      req/s   p50 ms   p95 ms  stmts  CPU µs/req  PG µs/req";

    public static async Task WarmUpAsync(int workers, Func<int, Task> operation)
    {
        var clock = Stopwatch.StartNew();
        var calls = 0;
        await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            while (clock.Elapsed < WarmUp || Volatile.Read(ref calls) < 20)
            {
                await operation(Interlocked.Increment(ref calls) + 1_000_000);
            }
        })));
    }

    /// <summary>With SCIM_BENCH_TRACE=1, one more call with each statement it sends and how long it took.</summary>
    private static async Task TraceAsync(string name, Func<int, Task> operation)
    {
        if (!StatementCounter.Tracing)
        {
            return;
        }
        Statements.Reset();
        Console.Error.WriteLine(name);
        await operation(0);
        foreach (var line in Statements.Trace())
        {
            Console.Error.WriteLine(line);
        }
    }
}
