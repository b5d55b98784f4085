using System.Diagnostics;
using System.Globalization;

namespace ScimServer.Benchmarks;

/// <summary>Runs an operation a number of times after a warm-up and reports latency percentiles.</summary>
internal static class Measurement
{
    public static async Task<string> RunAsync(string name, int iterations, Func<int, Task> operation)
    {
        for (var i = 0; i < Math.Min(20, iterations); i++)
        {
            await operation(i);
        }
        var samples = new double[iterations];
        for (var i = 0; i < iterations; i++)
        {
            var watch = Stopwatch.StartNew();
            await operation(i);
            samples[i] = watch.Elapsed.TotalMilliseconds;
        }
        Array.Sort(samples);
        return string.Format(CultureInfo.InvariantCulture, "{0,-58} {1,8:F2} {2,8:F2} {3,8:F2} {4,7}",
            name, samples[iterations / 2], samples[(int)(iterations * 0.95)], samples.Average(), iterations);
    }

    public const string Header = "operation                                                   p50 ms   p95 ms  mean ms       n";
}
