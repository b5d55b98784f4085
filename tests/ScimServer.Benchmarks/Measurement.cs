using System.Diagnostics;
using System.Globalization;

namespace ScimServer.Benchmarks;

/// <summary>Runs an operation a number of times after a warm-up and reports latency percentiles and SQL statements per call.</summary>
internal static class Measurement
{
    private static readonly StatementCounter Statements = new();

    /// <summary>One operation's figures; printed as a row of the table.</summary>
    public sealed record Figures(string Line, double Mean)
    {
        public override string ToString() => Line;
    }

    public static async Task<Figures> RunAsync(string name, int iterations, Func<int, Task> operation)
    {
        for (var i = 0; i < Math.Min(20, iterations); i++)
        {
            await operation(i);
        }
        var samples = new double[iterations];
        Statements.Reset();
        for (var i = 0; i < iterations; i++)
        {
            var watch = Stopwatch.StartNew();
            await operation(i);
            samples[i] = watch.Elapsed.TotalMilliseconds;
        }
        var perCall = Statements.Count / (double)iterations;
        Array.Sort(samples);
        return new Figures(string.Format(CultureInfo.InvariantCulture, "{0,-58} {1,8:F2} {2,8:F2} {3,8:F2} {4,7} {5,6:F1}",
            name, samples[iterations / 2], samples[(int)(iterations * 0.95)], samples.Average(), iterations, perCall), samples.Average());
    }

    public const string Header = "operation                                                   p50 ms   p95 ms  mean ms       n  stmts";
}
