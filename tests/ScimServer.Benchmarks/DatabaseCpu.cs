using System.Globalization;

namespace ScimServer.Benchmarks;

/// <summary>
/// CPU time of every PostgreSQL process on this machine (Linux /proc; zero elsewhere): with the benchmark's own
/// process time, what one request costs on each side, the figure that says how far one primary goes (docs/scaling.md).
/// Backends live as long as their pooled connections, so little of the time is lost with exited processes.
/// </summary>
internal static class DatabaseCpu
{
    private const double TicksPerSecond = 100; // USER_HZ, 100 on every Linux architecture .NET runs on

    public static TimeSpan Total()
    {
        if (!OperatingSystem.IsLinux())
        {
            return TimeSpan.Zero;
        }
        long ticks = 0;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!char.IsAsciiDigit(Path.GetFileName(directory)[0]))
            {
                continue;
            }
            try
            {
                // "pid (comm) state ppid … utime stime …": fields 14 and 15, counted after the parenthesised name.
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var close = stat.LastIndexOf(')');
                if (stat[(stat.IndexOf('(', StringComparison.Ordinal) + 1)..close] != "postgres")
                {
                    continue;
                }
                var fields = stat[(close + 2)..].Split(' ');
                ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                // The process ended while being read.
            }
        }
        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }
}
