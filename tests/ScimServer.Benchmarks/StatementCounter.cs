using System.Collections.Concurrent;
using System.Diagnostics;

namespace ScimServer.Benchmarks;

/// <summary>
/// Counts the SQL commands Npgsql runs (its ActivitySource starts one activity per command, batches as one). With
/// SCIM_BENCH_TRACE=1 it also keeps each command's text and duration, so one call's statements can be printed.
/// </summary>
internal sealed class StatementCounter : IDisposable
{
    public static readonly bool Tracing = Environment.GetEnvironmentVariable("SCIM_BENCH_TRACE") == "1";
    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<string> _trace = new();
    private int _count;

    public StatementCounter()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStarted = _ => Interlocked.Increment(ref _count),
            ActivityStopped = activity =>
            {
                if (Tracing)
                {
                    var text = activity.GetTagItem("db.query.text") ?? activity.GetTagItem("db.statement") ?? activity.DisplayName;
                    _trace.Enqueue($"    {activity.Duration.TotalMilliseconds,7:F3} ms  {Flat(text?.ToString())}");
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public int Count => _count;

    public void Reset()
    {
        Interlocked.Exchange(ref _count, 0);
        _trace.Clear();
    }

    /// <summary>The statements since the last reset, one line each (empty unless tracing).</summary>
    public IReadOnlyList<string> Trace() => [.. _trace];

    public void Dispose() => _listener.Dispose();

    private static string Flat(string? sql)
    {
        var flat = string.Join(' ', (sql ?? "").Split((char[])['\n', '\r', ' '], StringSplitOptions.RemoveEmptyEntries));
        return flat.Length > 220 ? flat[..220] + "…" : flat;
    }
}
