using Npgsql;
using NpgsqlTypes;

namespace ScimServer.Persistence;

/// <summary>Collects the parameters of one statement; filter values reach PostgreSQL only through these.</summary>
public sealed class SqlParameters
{
    private readonly List<(string Name, object Value, NpgsqlDbType Type)> _values = [];

    public string Add(object value, NpgsqlDbType type)
    {
        var name = "@p" + _values.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _values.Add((name, value, type));
        return name;
    }

    /// <summary>Fresh parameter objects: an NpgsqlParameter may belong to one command only.</summary>
    public NpgsqlParameter[] ToArray() =>
        _values.Select(v => new NpgsqlParameter(v.Name[1..], v.Type) { Value = v.Value }).ToArray();
}
