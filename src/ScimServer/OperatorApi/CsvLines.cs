using System.Globalization;
using CsvHelper;

namespace ScimServer.OperatorApi;

/// <summary>
/// Writes CSV rows to a text writer asynchronously, one row at a time: CsvHelper formats each row into a buffer
/// that is then written with <c>WriteAsync</c> (Kestrel refuses synchronous writes to a response).
/// </summary>
public sealed class CsvLines(TextWriter output) : IDisposable
{
    private static readonly CsvWriterOptions Options = new() { Injection = CsvInjection.Escape };

    private readonly StringWriter _row = new(CultureInfo.InvariantCulture);
    private CsvWriter? _csv;

    public async Task WriteAsync(IEnumerable<string?> fields)
    {
        // IdP-supplied values such as "=HYPERLINK(…)" must not become live formulas in a spreadsheet (CSV injection):
        // CsvHelper prefixes fields that start with = + - @ tab or CR with an apostrophe.
        _csv ??= CsvWriter.Create(_row, Options, true);
        foreach (var field in fields)
        {
            _csv.WriteField(field ?? "");
        }
        _csv.EndRecord();
        _csv.Flush();
        await output.WriteAsync(_row.ToString());
        _row.GetStringBuilder().Clear();
    }

    public void Dispose()
    {
        _csv?.Dispose();
        _row.Dispose();
    }
}
